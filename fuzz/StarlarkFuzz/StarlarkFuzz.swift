import Frontend

/// A load() the fuzzer refuses (the input is a single file).
struct NoLoad: Error {}

/// libFuzzer entry point: lexer + parser + resolver + evaluator on arbitrary
/// bytes, every dialect feature on, the `--test` helpers predeclared, and a
/// small step budget (100k) and recursion limit (200) so runaway programs end quickly in
/// a budget error. Any crash, sanitizer report or timeout is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func starlarkFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let thread = Starlark.Thread()
    thread.print = { _, _ in }
    thread.maxSteps = 100_000
    thread.maxDepth = 200
    thread.load = { _, _ in throw NoLoad() }
    let helpers = Starlark.TestHelpers()
    helpers.onFailure = { _ in }
    _ = try? thread.exec(filename: "fuzz.star", source: bytes, predeclared: helpers.predeclared, options: .all)
    return 0
}

/// libFuzzer's driver (libclang_rt.fuzzer), started from the executable's entry point.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's entry point as `<module>_main`; hand over to libFuzzer.
@_cdecl("StarlarkFuzz_main")
public func starlarkFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in starlarkFuzzOneInput(data, size) }
}
