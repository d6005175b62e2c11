import Foundation
import NIOCore
import Testing
@testable import Runtime

/// The proxy's HTTP/1 reader against NIOHTTP1's (llhttp, strict) on a corpus of tricky streams
/// (HTTP1Corpus): for each, the messages both read — method, target, version, fields, keep-alive,
/// body data, and the offset where the message ends, so that the next one starts at the same byte —
/// and how the stream ends. Ours must also read the same when the bytes come in pieces.
///
/// Where they differ, only these are allowed, each argued from RFC 9110/9112 below:
/// * ours refuses what the reference reads (`stricter`), for a reason in `stricterReasons`;
/// * ours reads what the reference refuses (`lenient`), where the RFC says ours is right and the
///   message boundary is not in question (`lenientReferenceErrors`).
/// Two readers that both read a message must read it the same way: a different boundary, body or
/// field is a failure (`differ`), as is ours waiting for body bytes the reference does not expect.
@Suite struct HTTP1DifferentialTests {
    /// How the two readers compare on one stream.
    enum Verdict: Equatable, CustomStringConvertible {
        /// Same messages, same end.
        case agree
        /// Ours refuses a message the reference reads (ours' reason).
        case stricter(String)
        /// Ours reads a message the reference refuses (the reference's error).
        case lenient(String)
        /// Both read a message, differently; or ours waits for body bytes the reference does not.
        case differ(String)

        var description: String {
            switch self {
            case .agree: "agree"
            case .stricter(let w): "stricter: \(w)"
            case .lenient(let w): "lenient: \(w)"
            case .differ(let w): "DIFFER: \(w)"
            }
        }
    }

    static func compare(_ ours: HTTP1Trace, _ ref: HTTP1Trace) -> Verdict {
        let common = min(ours.messages.count, ref.messages.count)
        for k in 0..<common where ours.messages[k] != ref.messages[k] {
            return .differ("message \(k): ours \(ours.messages[k]) — reference \(ref.messages[k])")
        }
        if ours.messages.count == ref.messages.count {
            switch (ours.end, ref.end) {
            case let (a, b) where a == b: return .agree
            // No further message either way (llhttp also eats empty lines after the last message).
            case (.rejected, .rejected), (.rejected, .incomplete(inBody: false)), (.incomplete(inBody: false), .rejected),
                 (.clean, .incomplete(inBody: false)), (.incomplete(inBody: false), .clean):
                return .agree
            case (.rejected(let why), _): return .stricter(why)
            case (_, .rejected(let why)): return .lenient(why)
            default: return .differ("ends: ours \(ours.end), reference \(ref.end)")
            }
        }
        if ours.messages.count < ref.messages.count {
            if case .rejected(let why) = ours.end { return .stricter(why) }
            return .differ("ours ends \(ours.end) where the reference reads \(ref.messages[common])")
        }
        if case .rejected(let why) = ref.end { return .lenient(why) }
        return .differ("ours reads \(ours.messages[common]) where the reference ends \(ref.end)")
    }

    /// A request stream read by both; ours also in pieces of 7 bytes, which must not matter.
    static func verdict(request bytes: [UInt8]) -> Verdict {
        let ours = OwnRequestReader.read(bytes)
        let pieces = OwnRequestReader.read(bytes, cuts: Array(stride(from: 1, to: bytes.count, by: 7)))
        if pieces != ours { return .differ("ours in pieces: \(pieces) — at once: \(ours)") }
        return compare(ours, ReferenceReader.requests(bytes))
    }

    /// A response stream to requests with `methods`, read by both; ours also in pieces of 5 bytes.
    static func verdict(response bytes: [UInt8], methods: [String]) -> Verdict {
        let ours = OwnResponseReader.read(bytes, methods: methods)
        let pieces = OwnResponseReader.read(bytes, methods: methods, cuts: Array(stride(from: 1, to: bytes.count, by: 5)))
        if pieces != ours { return .differ("ours in pieces: \(pieces) — at once: \(ours)") }
        return compare(ours, ReferenceReader.responses(bytes, methods: methods))
    }

    // MARK: What may differ, and why

    /// Our reasons to refuse what llhttp reads.
    static let stricterReasons: [String: String] = [
        "400 bare LF in the request head": "RFC 9112 §2.2 allows a recipient to refuse bare LF; a proxy should",
        "400 invalid request line": "one SP between the parts, no leading CR (RFC 9112 §3)",
        "400 invalid request target": "one SP between the parts (RFC 9112 §3)",
        "400 invalid HTTP version": "one SP between the parts (RFC 9112 §3), `HTTP/` DIGIT `.` DIGIT",
        "400 framing: Transfer-Encoding in an HTTP/1.0 request": "RFC 9112 §6.1: faulty framing, refused",
        "400 framing: invalid Content-Length": "more than 19 digits (RFC 9110 §8.6 allows refusing what cannot be held)",
        "400 invalid Transfer-Encoding": "an empty coding or list element, forwarded as it came an upstream may not read it as chunked",
        "400 body: chunk size too large": "more than 15 hex digits, leading zeros included",
        "400 body: invalid chunk extension": "chunk-ext grammar (RFC 9112 §7.1.1): a name before `=`, a value after it",
        "400 body: invalid chunk size": "whitespace after a chunk size only before `;` (RFC 9112 §7.1.1)",
        "bare LF in the response head": "as for requests: CRLF line ends, no empty lines before the status line",
        "invalid HTTP version": "a response line starts with `HTTP/`, no empty lines before it (RFC 9112 §4)",
        "invalid status line": "status 100–999 and a reason of HTAB/SP/VCHAR/obs-text (RFC 9112 §4)",
        "chunked applied twice": "RFC 9112 §6.1: chunked only once, in the last place",
        "400 host: more than one Host field": "RFC 9112 §3.2: a server MUST answer 400",
        "405 CONNECT": "no tunnels to arbitrary hosts through an app proxy (so no CONNECT reaches an upstream)",
    ]

    /// llhttp's errors on messages ours reads, and why reading them is right (RFC 9110/9112). None of
    /// them moves a message boundary: ours' framing of these messages is the RFC's.
    static let lenientReferenceErrors: [String: String] = [
        "invalid HTTP method": "any token is a method (RFC 9110 §9.1); llhttp knows a fixed list",
        "invalid URL": "the target is matched against routes, not framed; llhttp checks URL syntax",
        "invalid HTTP version": "HTTP/1.2–1.9 are read as 1.1 (RFC 9110 §2.5: the highest minor version the recipient supports)",
        "unexpected content-length header": "Content-Length fields with equal values (RFC 9110 §8.6), or one in a trailer section (never merged, RFC 9110 §6.5.1)",
        "invalid character in content-length header": "trailing whitespace is not part of the value (RFC 9110 §5.5); in a trailer or a bodiless "
            + "response it frames nothing; beside Transfer-Encoding in a response, Transfer-Encoding wins and the proxy "
            + "removes Content-Length (RFC 9112 §6.3)",
        "unknown (http_parser error)": "trailing HTAB after `chunked` is OWS (RFC 9110 §5.6.3); llhttp keeps it",
        "invalid character in chunk size header": "BWS before `;` of a chunk extension (RFC 9112 §7.1.1)",
        "strict mode assertion": "BWS after `;` of a chunk extension (RFC 9112 §7.1.1)",
        "data received after completed connection: close message": "Connection in a trailer section controls nothing (RFC 9110 §6.5.1)",
    ]

    /// Written-out cases on which the readers disagree, by name (every other case agrees).
    static let expectedRequests: [String: Verdict] = [
        "Host twice": .stricter("400 host: more than one Host field"),
        "CONNECT": .stricter("405 CONNECT"),
        "chunk extension BWS": .lenient("invalid character in chunk size header"),
        "chunk size 2^64-1": .stricter("400 body: chunk size too large"),
        "chunk size 16 zeros then 1": .stricter("400 body: chunk size too large"),
        "trailer names Content-Length": .lenient("invalid character in content-length header"),
        "TE trailing tab": .lenient("unknown (http_parser error)"),
        "TE empty": .stricter("400 invalid Transfer-Encoding"),
        "TE comma chunked": .stricter("400 invalid Transfer-Encoding"),
        "TE empty after chunked": .stricter("400 invalid Transfer-Encoding"),
        "TE in HTTP/1.0": .stricter("400 framing: Transfer-Encoding in an HTTP/1.0 request"),
        "CL two equal fields": .lenient("unexpected content-length header"),
        "CL 2^64-1": .stricter("400 framing: invalid Content-Length"),
        "CL many leading zeros": .stricter("400 framing: invalid Content-Length"),
        "leading LF": .stricter("400 bare LF in the request head"),
        "leading CRLF then LF": .stricter("400 bare LF in the request head"),
        "leading CR": .stricter("400 invalid request line"),
        "two spaces after method": .stricter("400 invalid request target"),
        "two spaces before version": .stricter("400 invalid HTTP version"),
        "HTTP/1.2": .lenient("invalid HTTP version"),
        "HTTP/1.9": .lenient("invalid HTTP version"),
        "lowercase method": .lenient("invalid HTTP method"),
        "unknown method": .lenient("invalid HTTP method"),
        "target obs-text": .lenient("invalid URL"),
    ]

    static let expectedResponses: [String: Verdict] = [
        "TE and CL": .lenient("invalid character in content-length header"),
        "status 099": .stricter("invalid status line"),
        "reason with NUL": .stricter("invalid status line"),
        "HTTP/1.2 status line": .lenient("invalid HTTP version"),
        "leading CRLF": .stricter("invalid HTTP version"),
        // The proxy is no CONNECT proxy: a 2xx to CONNECT is framed like any other response, where
        // llhttp starts a tunnel. (The proxy refuses CONNECT requests with 405, so none is sent upstream.)
        "response to CONNECT": .differ("ours ends incomplete(inBody: true) where the reference reads \"200\" \"\" 1.1 [Content-Length: \"3\"] keepAlive=true body=\"\" end=38"),
    ]

    /// A generated case's verdict is one of the allowed kinds.
    static func allowed(_ v: Verdict) -> Bool {
        switch v {
        case .agree: true
        case .stricter(let why): stricterReasons[why] != nil
        case .lenient(let error): lenientReferenceErrors[error] != nil
        case .differ: false
        }
    }

    // MARK: Tests

    @Test func writtenRequestsAgreeOrDifferAsListed() {
        var agreed = 0
        for c in HTTP1Corpus.writtenRequests {
            let v = Self.verdict(request: c.bytes)
            #expect(v == Self.expectedRequests[c.name] ?? .agree, "\(c.name): \(String(decoding: c.bytes, as: UTF8.self).debugDescription)")
            if v == .agree { agreed += 1 }
        }
        #expect(agreed == HTTP1Corpus.writtenRequests.count - Self.expectedRequests.count)
    }

    /// Ours, fed one byte at a time, reads every written-out stream as at once (the fuzzer's first
    /// find: a CR read alone before the CRLF skip left the head scanner's offsets stale).
    @Test func byteByByteReadsTheSame() {
        for c in HTTP1Corpus.writtenRequests {
            let pieces = OwnRequestReader.read(c.bytes, cuts: Array(0..<c.bytes.count))
            #expect(pieces == OwnRequestReader.read(c.bytes), "\(c.name)")
        }
        for (c, methods) in HTTP1Corpus.writtenResponses {
            let pieces = OwnResponseReader.read(c.bytes, methods: methods, cuts: Array(0..<c.bytes.count))
            #expect(pieces == OwnResponseReader.read(c.bytes, methods: methods), "\(c.name)")
        }
        #expect(OwnRequestReader.read(latin1("\r\n\n"), cuts: [1]).end == .rejected("400 bare LF in the request head"))
    }

    @Test func framingFieldsTimesBodies() {
        for c in HTTP1Corpus.matrixRequests {
            let v = Self.verdict(request: c.bytes)
            #expect(Self.allowed(v), "\(c.name): \(v)")
        }
    }

    /// Seeded mutations of pipelined streams, in two halves so that they run on two threads.
    @Test(arguments: [1, 2] as [UInt64])
    func mutatedRequests(seed: UInt64) {
        for c in HTTP1Corpus.mutated(HTTP1Corpus.requestBases, count: 1200, seed: seed) {
            let v = Self.verdict(request: c.bytes)
            #expect(Self.allowed(v), "\(c.name): \(String(decoding: c.bytes, as: UTF8.self).debugDescription) \(v)")
        }
    }

    @Test func writtenResponsesAgreeOrDifferAsListed() {
        for (c, methods) in HTTP1Corpus.writtenResponses {
            let v = Self.verdict(response: c.bytes, methods: methods)
            #expect(v == Self.expectedResponses[c.name] ?? .agree, "\(c.name): \(v)")
        }
    }

    /// `HTTP1_DIFF_SUMMARY=1 swift test --filter HTTP1DifferentialTests/summary` prints how many cases
    /// fall in each kind of verdict (skipped otherwise: it reads the whole corpus again).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HTTP1_DIFF_SUMMARY"] == "1"))
    func summary() {
        var tally: [String: Int] = [:]
        func count(_ side: String, _ v: Verdict) {
            let key: String
            switch v {
            case .agree: key = "agree"
            case .stricter(let w): key = "ours stricter: \(w)"
            case .lenient(let w): key = "ours reads, llhttp: \(w)"
            case .differ: key = "DIFFER"
            }
            tally["\(side) \(key)", default: 0] += 1
        }
        let requests = HTTP1Corpus.writtenRequests + HTTP1Corpus.matrixRequests
            + HTTP1Corpus.mutated(HTTP1Corpus.requestBases, count: 1200, seed: 1)
            + HTTP1Corpus.mutated(HTTP1Corpus.requestBases, count: 1200, seed: 2)
        for c in requests { count("request", Self.verdict(request: c.bytes)) }
        for (c, m) in HTTP1Corpus.writtenResponses + HTTP1Corpus.mutatedResponses(count: 800, seed: 3) {
            count("response", Self.verdict(response: c.bytes, methods: m))
        }
        print("requests: \(requests.count), responses: \(HTTP1Corpus.writtenResponses.count + 800)")
        for (k, n) in tally.sorted(by: { $0.key < $1.key }) { print("\(n)\t\(k)") }
    }

    @Test func mutatedResponses() {
        for (c, methods) in HTTP1Corpus.mutatedResponses(count: 800, seed: 3) {
            let v = Self.verdict(response: c.bytes, methods: methods)
            #expect(Self.allowed(v), "\(c.name) \(methods): \(String(decoding: c.bytes, as: UTF8.self).debugDescription) \(v)")
        }
    }
}
