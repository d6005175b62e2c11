// The reference for HTTP1DifferentialTests: NIOHTTP1's decoders (llhttp, strict mode) in an
// EmbeddedChannel, fed one byte at a time so that the offset where each message ends is exact.
import NIOCore
import NIOEmbedded
import NIOHTTP1

enum ReferenceReader {
    /// Requests in `bytes`, as NIOHTTP1's `HTTPRequestDecoder` reads them.
    static func requests(_ bytes: [UInt8]) -> HTTP1Trace {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try! channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        var trace = HTTP1Trace()
        var current: HTTP1Message?
        var buffer = channel.allocator.buffer(capacity: 1)
        for (i, byte) in bytes.enumerated() {
            buffer.clear()
            buffer.writeInteger(byte)
            do {
                try channel.writeInbound(buffer)
                while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
                    switch part {
                    case .head(let h):
                        current = normalized(HTTP1Message(method: h.method.rawValue, target: h.uri,
                                                          minorVersion: Int(h.version.minor),
                                                          fields: h.headers.map { .init(name: $0.name, value: $0.value) },
                                                          keepAlive: h.isKeepAlive))
                        if h.method == .CONNECT {
                            current!.end = i + 1
                            trace.messages.append(current!)
                            trace.end = .stopped("CONNECT")
                            return trace
                        }
                    case .body(let b):
                        current!.body += Array(buffer: b)
                    case .end:
                        var m = current!
                        m.end = i + 1
                        trace.messages.append(m)
                        current = nil
                        if isUpgrade(m) {
                            trace.end = .stopped("upgrade")
                            return trace
                        }
                        if !m.keepAlive {
                            trace.end = .stopped("close")
                            return trace
                        }
                    }
                }
            } catch {
                trace.end = .rejected("\(error)")
                return trace
            }
        }
        let last = trace.messages.last?.end ?? 0
        trace.end = current != nil ? .incomplete(inBody: true) : last == bytes.count ? .clean : .incomplete(inBody: false)
        return trace
    }

    /// Responses in `bytes` to requests with `methods`, as NIOHTTP1's `HTTPResponseDecoder` reads them
    /// (interim 1xx responses dropped, the end of the stream ends a close-delimited body).
    static func responses(_ bytes: [UInt8], methods: [String]) -> HTTP1Trace {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try! channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
        for m in methods {
            _ = try? channel.writeOutbound(HTTPClientRequestPart.head(.init(version: .http1_1, method: .init(rawValue: m), uri: "/")))
        }
        var trace = HTTP1Trace()
        var current: HTTP1Message?
        var buffer = channel.allocator.buffer(capacity: 1)
        func drain(_ offset: Int) throws -> Bool {
            while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
                switch part {
                case .head(let h):
                    if h.status.code == 101 {
                        trace.end = .stopped("101")
                        return false
                    }
                    let method = methods[min(trace.messages.count, methods.count - 1)]
                    let bodiless = method == "HEAD" || h.status.code == 204 || h.status.code == 304
                    current = normalized(HTTP1Message(method: String(h.status.code), target: "",
                                                      minorVersion: Int(h.version.minor),
                                                      fields: h.headers.map { .init(name: $0.name, value: $0.value) },
                                                      keepAlive: h.isKeepAlive), bodiless: bodiless)
                case .body(let b):
                    current!.body += Array(buffer: b)
                case .end:
                    var m = current!
                    m.end = offset
                    trace.messages.append(m)
                    current = nil
                    if !m.keepAlive {
                        trace.end = .stopped("close")
                        return false
                    }
                    if trace.messages.count == methods.count {
                        if offset < bytes.count { trace.end = .stopped("bytes after the last response") }
                        return false
                    }
                }
            }
            return true
        }
        for (i, byte) in bytes.enumerated() {
            buffer.clear()
            buffer.writeInteger(byte)
            do {
                try channel.writeInbound(buffer)
                guard try drain(i + 1) else { return trace }
            } catch {
                trace.end = .rejected("\(error)")
                return trace
            }
        }
        // The end of the stream: ends a close-delimited body, or is an error inside a framed one.
        do {
            channel.pipeline.fireChannelInactive()
            guard try drain(bytes.count) else { return trace }
        } catch {
            trace.end = current != nil ? .incomplete(inBody: true) : .rejected("\(error)")
            return trace
        }
        let last = trace.messages.last?.end ?? 0
        trace.end = current != nil ? .incomplete(inBody: true) : last == bytes.count ? .clean : .incomplete(inBody: false)
        return trace
    }

    /// Where NIOHTTP1 reports a message differently from RFC 9110/9112 without reading it differently,
    /// the RFC's reading (so that only real differences remain):
    /// * field values keep trailing whitespace in llhttp; it is not part of the value (RFC 9110 §5.5);
    /// * NIO names the M-SEARCH method `MSEARCH`;
    /// * NIO keeps an HTTP/1.0 connection with both `keep-alive` and `close` (close wins, RFC 9112 §9.3),
    ///   and closes after a response without a body that has no length (HEAD, 204, 304), which
    ///   needs no close to be delimited (RFC 9112 §6.3).
    static func normalized(_ m: HTTP1Message, bodiless: Bool = false) -> HTTP1Message {
        var m = m
        for k in m.fields.indices {
            while let last = m.fields[k].value.unicodeScalars.last, last == " " || last == "\t" {
                m.fields[k].value.unicodeScalars.removeLast()
            }
        }
        if m.method == "MSEARCH" { m.method = "M-SEARCH" }
        let connection = tokens(m, "connection")
        if connection.contains("close") {
            m.keepAlive = false
        } else if bodiless {
            m.keepAlive = m.minorVersion == 0 ? connection.contains("keep-alive") : true
        }
        return m
    }

    static func tokens(_ m: HTTP1Message, _ name: String) -> [String] {
        m.fields.filter { $0.name.lowercased() == name }
            .flatMap { $0.value.split(separator: ",") }
            .map { String($0.trimmingCharacters(in: " \t")).lowercased() }
    }

    /// llhttp's protocol switch: `Connection: upgrade` together with an `Upgrade` field.
    static func isUpgrade(_ m: HTTP1Message) -> Bool {
        tokens(m, "connection").contains("upgrade") && m.fields.contains { $0.name.lowercased() == "upgrade" }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return s
    }
}
