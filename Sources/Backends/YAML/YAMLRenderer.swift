import CYAML

/// Renders the YAML document model through libyaml's emitter: the only place
/// openrun makes YAML text.
///
/// Output is deterministic: UTF-8 without BOM, block style, 2-space indent,
/// no line folding (unbounded width), unicode written as is, `\n` line
/// breaks, `---` before every document after the first. libyaml picks the
/// quoting within the style each scalar asks for (see `YAMLStringStyle`).
package enum YAMLRenderer {
    /// A stream of documents; no documents give no bytes.
    package static func render(_ stream: YAMLStream) -> [UInt8] {
        let emitter = LibYAMLEmitter()
        emitter.emit { yaml_stream_start_event_initialize($0, YAML_UTF8_ENCODING) }
        for document in stream.documents {
            emitter.emit { yaml_document_start_event_initialize($0, nil, nil, nil, 1) }
            emitter.emitNode(document)
            emitter.emit { yaml_document_end_event_initialize($0, 1) }
        }
        emitter.emit { yaml_stream_end_event_initialize($0) }
        return emitter.output.bytes
    }

    /// One document.
    package static func render(_ document: YAMLNode) -> [UInt8] {
        render(YAMLStream([document]))
    }

    /// How a string scalar is handed to libyaml.
    enum StringPresentation: Equatable {
        /// Plain, which libyaml may turn into single quotes for syntax.
        case plain
        case doubleQuoted
        case literal
    }

    /// Plain only when it reads back as the same string; a literal block only
    /// when its only line breaks are `\n` (a literal block would turn `\r`,
    /// NEL, LS and PS into `\n` or fold them); double-quoted otherwise.
    static func presentation(of text: String, style: YAMLStringStyle) -> StringPresentation {
        if style == .doubleQuoted { return .doubleQuoted }
        var hasNewline = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": hasNewline = true
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": return .doubleQuoted
            default: continue
            }
        }
        if hasNewline { return .literal }
        return YAMLPlainScalar.resolvesAsString(text) ? .plain : .doubleQuoted
    }
}

/// One libyaml emitter writing into memory.
private final class LibYAMLEmitter {
    final class Output {
        var bytes: [UInt8] = []
    }

    let output = Output()
    private let emitter: UnsafeMutablePointer<yaml_emitter_t>

    init() {
        emitter = .allocate(capacity: 1)
        guard yaml_emitter_initialize(emitter) == 1 else {
            fatalError("libyaml: cannot initialize an emitter (out of memory)")
        }
        yaml_emitter_set_output(emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            let output = Unmanaged<Output>.fromOpaque(data).takeUnretainedValue()
            output.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, Unmanaged.passUnretained(output).toOpaque())
        yaml_emitter_set_encoding(emitter, YAML_UTF8_ENCODING)
        yaml_emitter_set_canonical(emitter, 0)
        yaml_emitter_set_indent(emitter, 2)
        yaml_emitter_set_width(emitter, -1)  // unbounded: never fold a line
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_break(emitter, YAML_LN_BREAK)
    }

    deinit {
        yaml_emitter_delete(emitter)
        emitter.deallocate()
    }

    /// Builds one event with `initialize` and hands it to the emitter (which
    /// takes ownership). The model cannot express an invalid event sequence,
    /// so a failure is a broken invariant.
    func emit(_ initialize: (UnsafeMutablePointer<yaml_event_t>) -> Int32) {
        var event = yaml_event_t()
        guard initialize(&event) == 1 else {
            fatalError("libyaml: cannot initialize an event (out of memory)")
        }
        guard yaml_emitter_emit(emitter, &event) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown error"
            fatalError("libyaml emitter: \(problem)")
        }
    }

    func emitNode(_ node: YAMLNode) {
        switch node {
        case let .scalar(scalar):
            emitScalar(scalar)
        case let .sequence(items):
            emit { yaml_sequence_start_event_initialize($0, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE) }
            for item in items { emitNode(item) }
            emit { yaml_sequence_end_event_initialize($0) }
        case let .mapping(mapping):
            emit { yaml_mapping_start_event_initialize($0, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE) }
            for entry in mapping.entries {
                emitScalar(.string(entry.key))
                emitNode(entry.value)
            }
            emit { yaml_mapping_end_event_initialize($0) }
        }
    }

    private func emitScalar(_ scalar: YAMLScalar) {
        switch scalar {
        case let .string(text, style):
            switch YAMLRenderer.presentation(of: text, style: style) {
            case .plain: emitScalar(text, plainImplicit: true, style: YAML_PLAIN_SCALAR_STYLE)
            case .doubleQuoted: emitScalar(text, plainImplicit: false, style: YAML_DOUBLE_QUOTED_SCALAR_STYLE)
            case .literal: emitScalar(text, plainImplicit: false, style: YAML_LITERAL_SCALAR_STYLE)
            }
        case let .int(value):
            emitScalar(String(value), plainImplicit: true, quotedImplicit: false, style: YAML_PLAIN_SCALAR_STYLE)
        case let .bool(value):
            emitScalar(value ? "true" : "false", plainImplicit: true, quotedImplicit: false, style: YAML_PLAIN_SCALAR_STYLE)
        case .null:
            emitScalar("null", plainImplicit: true, quotedImplicit: false, style: YAML_PLAIN_SCALAR_STYLE)
        }
    }

    /// `plainImplicit`: the text may be written plain (without a tag);
    /// `quotedImplicit`: it may be quoted without a tag (a string).
    private func emitScalar(_ text: String, plainImplicit: Bool, quotedImplicit: Bool = true, style: yaml_scalar_style_t) {
        var bytes = Array(text.utf8)
        let length = Int32(bytes.count)
        bytes.append(0)  // libyaml wants a non-null pointer, even for ""
        bytes.withUnsafeBufferPointer { buffer in
            emit {
                yaml_scalar_event_initialize(
                    $0, nil, nil, buffer.baseAddress, length,
                    plainImplicit ? 1 : 0, quotedImplicit ? 1 : 0, style)
            }
        }
    }
}
