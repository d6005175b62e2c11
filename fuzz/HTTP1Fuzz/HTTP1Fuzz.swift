// libFuzzer target for the proxy's HTTP/1 reader. The parser files (HTTPHead, BodyFramer,
// HeaderRewriting) and the stream model of HTTP1DifferentialTests are symbolic links into this
// folder, so they compile into this module with NIOCore/NIOHTTP1 only (not the whole Runtime).
// Besides crashes and sanitizer reports, it stops on a broken property:
//   * the same bytes read in pieces (cut where the input says) give the same messages and end as at once;
//   * a request head parsed, written for the upstream (`writeUpstreamRequest`) and parsed again has
//     the same method, target, framing and fields, minus the ones the proxy drops;
//   * a response head parsed, written for the client (`writeClientResponse`) and parsed again has
//     the same status and fields, minus the dropped ones;
//   * the chunked scanner gives the same data, length and error byte by byte as at once.
import NIOCore
import NIOHTTP1

/// `RouteTable.hostWithoutPort` is all HeaderRewriting needs of the routing code (ProxyRoute.swift).
enum RouteTable {
    static func hostWithoutPort(_ host: String) -> String {
        let lower = host.lowercased()
        if let colon = lower.firstIndex(of: ":") { return String(lower[..<colon]) }
        return lower
    }
}

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("property broken: \(message())") }
}

/// Cut points taken from the input itself (its first bytes), so libFuzzer explores them too.
func cuts(_ bytes: [UInt8]) -> [Int] {
    guard bytes.count > 2 else { return [] }
    var cuts: [Int] = []
    var at = 0
    for k in 0..<min(8, bytes.count) {
        at += 1 + Int(bytes[k] % 13)
        if at < bytes.count { cuts.append(at) }
    }
    return cuts
}

/// The head at the start of `bytes` (after leading empty lines), as the proxy finds it.
func firstHead(_ bytes: [UInt8]) -> ByteBuffer? {
    var buffer = ByteBuffer(bytes: bytes)
    while buffer.readableBytes >= 2, buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == 0x0D0A {
        buffer.moveReaderIndex(forwardBy: 2)
    }
    var scanner = HeadScanner()
    guard case .complete(let length) = scanner.scan(buffer) else { return nil }
    return buffer.readSlice(length: length)
}

func fields(_ head: HTTPHead) -> [HTTP1Message.Field] { head.fields.map { OwnRequestReader.field($0, of: head) } }

/// Request head → upstream request → parsed again.
func roundTripRequest(_ bytes: [UInt8]) {
    guard let slice = firstHead(bytes), let head = try? HTTPHead.parseRequest(slice, maxFields: 100),
          HeaderRewriting.framingProblem(ofRequest: head) == nil else { return }  // refused, never forwarded
    var out = ByteBuffer()
    let upgrade = head.isUpgradeRequest
    HeaderRewriting.writeUpstreamRequest(head, uri: head.target, hostHeader: "upstream:80", clientIP: "10.0.0.1",
                                         strippedPrefix: "/p", isUpgrade: upgrade, into: &out)
    let again: HTTPHead
    do throws(HTTPHeadError) {
        again = try HTTPHead.parseRequest(out, maxFields: 1000)
    } catch {
        fatalError("property broken: the upstream request does not parse (\(error)): \(String(buffer: out).debugDescription)")
    }
    check(again.method == head.method && again.target == head.target, "start line changed")
    check(HeaderRewriting.framingProblem(ofRequest: again) == nil, "the upstream request has a framing problem")
    check(again.chunked == head.chunked && again.contentLength == head.contentLength, "framing changed")
    let kept = head.fields.filter { f in
        switch f.kind {
        case .host: false
        case .upgrade where upgrade: true
        default: !(f.kind.isForwarding || f.kind.isHopByHop || f.namedByConnection)
        }
    }.map { OwnRequestReader.field($0, of: head) }
    let added: Set<String> = ["host", "x-forwarded-for", "x-real-ip", "x-forwarded-host", "x-forwarded-proto",
                              "x-forwarded-prefix", "connection"]
    // The client's fields of these names were dropped: what is left of them is openrun's.
    let forwarded = fields(again).filter { !added.contains($0.name.lowercased()) }
    check(forwarded == kept, "fields changed: \(forwarded) vs \(kept)")
    check(again.keepAlive || head.isHTTP10 || !head.keepAlive || upgrade, "keep-alive lost")
}

/// Response head → client response → parsed again.
func roundTripResponse(_ bytes: [UInt8]) {
    guard let slice = firstHead(bytes), let head = try? HTTPHead.parseResponse(slice, maxFields: 256) else { return }
    var a = HeaderRewriting.ResponseAdditions()
    a.connection = .keepAlive
    var out = ByteBuffer()
    HeaderRewriting.writeClientResponse(head, clientMinorVersion: 1, keepUpgrade: false, additions: a, into: &out)
    let again: HTTPHead
    do throws(HTTPHeadError) {
        again = try HTTPHead.parseResponse(out, maxFields: 1000)
    } catch {
        fatalError("property broken: the client response does not parse (\(error)): \(String(buffer: out).debugDescription)")
    }
    check(again.status == head.status, "status changed")
    let kept = head.fields.filter {
        !($0.kind.isHopByHop || $0.namedByConnection || ($0.kind == .contentLength && head.hasTransferEncoding))
    }.map { OwnRequestReader.field($0, of: head) }
    let forwarded = fields(again).filter { $0.name != "connection" }
    check(forwarded == kept, "fields changed: \(forwarded) vs \(kept)")
    for method in ["GET", "HEAD"] {
        let f1 = try? HeaderRewriting.responseFraming(head, requestMethod: method)
        let f2 = try? HeaderRewriting.responseFraming(again, requestMethod: method)
        check(describe(f1) == describe(f2), "framing changed: \(describe(f1)) vs \(describe(f2))")
    }
}

func describe(_ f: BodyFramer?) -> String {
    switch f {
    case nil: "error"
    case .none?: "none"
    case .length(let n)?: "length \(n)"
    case .chunked?: "chunked"
    case .untilClose?: "close"
    }
}

/// The chunked scanner at once and byte by byte.
func chunkedPieces(_ bytes: [UInt8]) {
    func run(step: Int) -> ([UInt8], Int, Bool, HTTPHeadError?) {
        var scanner = ChunkedScanner()
        var data: [UInt8] = []
        var used = 0
        var i = 0
        while i < bytes.count && !scanner.isDone {
            let piece = Array(bytes[i..<min(i + step, bytes.count)])
            do throws(HTTPHeadError) {
                let n = try piece.withUnsafeBufferPointer { (p) throws(HTTPHeadError) in
                    try scanner.scan(p.baseAddress!, p.count) { data += piece[$0] }
                }
                check(n <= piece.count && (n == piece.count || scanner.isDone), "scanner stopped early")
                used += n
            } catch {
                return (data, used, scanner.isDone, error)
            }
            i += piece.count
        }
        return (data, used, scanner.isDone, nil)
    }
    let whole = run(step: max(bytes.count, 1))
    let single = run(step: 1)
    // (After an error, `used` counts only the pieces before it: not compared then.)
    check(whole.0 == single.0 && (whole.3 != nil || whole.1 == single.1) && whole.2 == single.2 && whole.3 == single.3,
          "chunked scan differs byte by byte")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func http1FuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let requests = OwnRequestReader.read(bytes)
    check(OwnRequestReader.read(bytes, cuts: cuts(bytes)) == requests, "requests differ when read in pieces")
    for m in requests.messages { check(m.end <= bytes.count, "a message ends after the stream") }
    let methods = ["GET", "HEAD", "POST"]
    let responses = OwnResponseReader.read(bytes, methods: methods)
    check(OwnResponseReader.read(bytes, methods: methods, cuts: cuts(bytes)) == responses, "responses differ when read in pieces")
    roundTripRequest(bytes)
    roundTripResponse(bytes)
    chunkedPieces(bytes)
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
@_cdecl("HTTP1Fuzz_main")
public func http1FuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in http1FuzzOneInput(data, size) }
}
