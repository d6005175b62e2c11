import Frontend
import IR

/// libFuzzer entry point: lexer + parser + resolver + evaluator on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func starlarkFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let t = LineTable(file: "fuzz.star", bytes: bytes)
    _ = t.lineStarts.count
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
