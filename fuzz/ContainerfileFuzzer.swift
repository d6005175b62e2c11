// libFuzzer entry point for the Containerfile frontend: parser, dump,
// semantic analysis (with word expansion) and the shell lexer on raw input.
// Built by fuzz/run-containerfile together with Sources/IR and
// Sources/Frontend/Containerfile (not part of the SwiftPM build).

import IR

@_cdecl("LLVMFuzzerTestOneInput")
public func containerfileFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let ast = try? ContainerfileParser.parse(bytes: bytes, file: "Containerfile") {
        _ = ast.dump
        let diagnostics = Diagnostics()
        _ = ContainerfileAnalyzer(ast: ast, buildArgs: ["A": "1", "PORT": "80"], diagnostics: diagnostics).run()
    }
    let text = String(decoding: bytes, as: UTF8.self)
    let env = ["A": "x y", "B": "", "PWD": "/home", "FOO": "a*b/c?d"]
    _ = try? ShellLex(escapeToken: "\\").process(text, env: env)
    var raw = ShellLex(escapeToken: "`")
    raw.rawQuotes = true
    raw.rawEscapes = true
    raw.skipUnsetEnv = true
    _ = try? raw.process(text, env: [:])
    _ = try? ContainerfileParser.heredocs(fromLine: text)
    return 0
}
