// Byte streams for HTTP1DifferentialTests and the seeds of fuzz/run-http1: request-smuggling and
// desync classes written out, a matrix of framing fields × bodies, and seeded mutations of
// pipelined streams. Deterministic: the same cases, in the same order, on every run.

/// Latin-1 bytes of `s`: every scalar below 256 is one byte (so "\u{80}" is 0x80).
func latin1(_ s: String) -> [UInt8] { s.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }

/// A small deterministic generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum HTTP1Corpus {
    /// A well-formed request after the case's own bytes: where the next message starts matters.
    static let next = "GET /next HTTP/1.1\r\nHost: n\r\n\r\n"

    /// One case: a name and the bytes of the stream.
    struct Case {
        var name: String
        var bytes: [UInt8]
        /// For a mutation: the index of the stream it started from.
        var base = 0
    }

    // MARK: Requests, written out

    /// Request streams of known smuggling and desync classes (each followed by `next`).
    static let requests: [(String, String)] = [
        ("plain GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("GET with query and fragment-like target", "GET /a/b?c=d&e=%20#f HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("asterisk-form", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("absolute-form", "GET http://example.com:8080/x?y HTTP/1.1\r\nHost: other\r\n\r\n"),
        ("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
        ("HTTP/1.0 closes", "GET / HTTP/1.0\r\n\r\n"),
        ("HTTP/1.1 close", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
        ("keep-alive and close", "GET / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n"),
        ("Connection names a field", "GET / HTTP/1.1\r\nConnection: X-A\r\nX-A: 1\r\n\r\n"),
        ("upgrade request", "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
        ("upgrade header without Connection", "GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n"),
        ("POST with Content-Length", "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"),
        ("POST with Content-Length 0", "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
        ("GET with a body", "GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
        ("POST without length", "POST / HTTP/1.1\r\n\r\n"),
        ("chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        ("chunked in two chunks", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"),
        ("chunked uppercase hex", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"),
        ("chunked lowercase hex", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n"),
        ("chunked with trailers", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\n"),
        ("chunk extension", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a=b\r\na\r\n0;c\r\n\r\n"),
        ("chunk extension quoted", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a=\"b c\"\r\na\r\n0\r\n\r\n"),
        ("chunk extension BWS", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1 ;a=b\r\na\r\n0\r\n\r\n"),
        ("chunk size trailing space", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\na\r\n0\r\n\r\n"),
        ("chunk size trailing tab", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\t\r\na\r\n0\r\n\r\n"),
        ("chunk extension bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a\nb\r\na\r\n0\r\n\r\n"),
        ("chunk extension bare CR", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a\rb\r\na\r\n0\r\n\r\n"),
        ("chunk extension NUL", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a\u{0}\r\na\r\n0\r\n\r\n"),
        ("chunk extension obs-text", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a=\u{80}\r\na\r\n0\r\n\r\n"),
        ("chunk extension without name", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;\r\na\r\n0\r\n\r\n"),
        ("chunk extension odd token", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a=b=c\r\na\r\n0\r\n\r\n"),
        ("chunk extension quote unclosed", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a=\"b\r\na\r\n0\r\n\r\n"),
        ("chunk size 0x", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x1\r\na\r\n0\r\n\r\n"),
        ("chunk size plus", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n+1\r\na\r\n0\r\n\r\n"),
        ("chunk size minus", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\na\r\n0\r\n\r\n"),
        ("chunk size leading zeros", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0001\r\na\r\n0\r\n\r\n"),
        ("chunk size 16 zeros then 1", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\na\r\n0\r\n\r\n"),
        ("chunk size overflowing 64 bits", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000001\r\na\r\n0\r\n\r\n"),
        ("chunk size 2^64-1", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\na\r\n0\r\n\r\n"),
        ("chunk size huge 15 digits", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\na\r\n0\r\n\r\n"),
        ("chunk size empty", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\na\r\n0\r\n\r\n"),
        ("chunk size bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\na\r\n0\r\n\r\n"),
        ("chunk data bare LF end", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\n0\r\n\r\n"),
        ("chunk data longer", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n"),
        ("chunk data shorter", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na\r\n0\r\n\r\n"),
        ("last chunk bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\n\r\n"),
        ("chunked end bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\n"),
        ("trailer bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\n\r\n"),
        ("trailer without colon", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX\r\n\r\n"),
        ("trailer space before colon", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : 1\r\n\r\n"),
        ("trailer obs-fold", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n 2\r\n\r\n"),
        ("trailer NUL", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\u{0}\r\n\r\n"),
        ("trailer bare CR", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r2\r\n\r\n"),
        ("trailer empty name", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n: 1\r\n\r\n"),
        ("trailer is a request", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nGET /x HTTP/1.1\r\n\r\n"),
        ("trailer names Content-Length", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n"),
        // CL.TE, TE.CL
        ("CL.TE", "POST / HTTP/1.1\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"),
        ("TE.CL", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"),
        ("CL.TE with obfuscated TE", "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        // TE.TE obfuscations
        ("TE xchunked", "POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        ("TE leading space", "POST / HTTP/1.1\r\nTransfer-Encoding:  chunked\r\n\r\n0\r\n\r\n"),
        ("TE no space", "POST / HTTP/1.1\r\nTransfer-Encoding:chunked\r\n\r\n0\r\n\r\n"),
        ("TE trailing space", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked \r\n\r\n0\r\n\r\n"),
        ("TE leading tab", "POST / HTTP/1.1\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n"),
        ("TE trailing tab", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n"),
        ("TE chunked comma", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked ,\r\n\r\n0\r\n\r\n"),
        ("TE comma chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: , chunked\r\n\r\n0\r\n\r\n"),
        ("TE chunked twice in a list", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
        ("TE chunked in two fields", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("TE chunked then identity field", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
        ("TE identity then chunked field", "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("TE gzip, chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        ("TE chunked, gzip", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
        ("TE identity", "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
        ("TE CHUNKED", "POST / HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n"),
        ("TE quoted", "POST / HTTP/1.1\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n"),
        ("TE with parameter", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n"),
        ("TE empty", "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n"),
        ("TE empty after chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding:\r\n\r\n0\r\n\r\n"),
        ("TE vertical tab", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\u{0B}\r\n\r\n0\r\n\r\n"),
        ("TE form feed", "POST / HTTP/1.1\r\nTransfer-Encoding:\u{0C}chunked\r\n\r\n0\r\n\r\n"),
        ("TE name with tab before colon", "POST / HTTP/1.1\r\nTransfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n"),
        ("TE name with space before colon", "POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
        ("TE name with leading space", "POST / HTTP/1.1\r\nHost: a\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("TE name underscore", "POST / HTTP/1.1\r\nTransfer_Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("TE obs-fold", "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"),
        ("TE obs-fold after value", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n ,chunked\r\n\r\n0\r\n\r\n"),
        ("TE with bare CR", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\r\n\r\n0\r\n\r\n"),
        ("TE NUL", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\u{0}\r\n\r\n0\r\n\r\n"),
        ("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("TE chunk (prefix)", "POST / HTTP/1.1\r\nTransfer-Encoding: chunk\r\n\r\n0\r\n\r\n"),
        ("TE chunkedchunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunkedchunked\r\n\r\n0\r\n\r\n"),
        ("TE obs-text", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\u{FF}\r\n\r\n0\r\n\r\n"),
        // Content-Length
        ("CL leading zeros", "POST / HTTP/1.1\r\nContent-Length: 005\r\n\r\nhello"),
        ("CL plus", "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello"),
        ("CL minus", "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\nhello"),
        ("CL 0x", "POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\nhello"),
        ("CL decimal point", "POST / HTTP/1.1\r\nContent-Length: 5.0\r\n\r\nhello"),
        ("CL exponent", "POST / HTTP/1.1\r\nContent-Length: 5e0\r\n\r\nhello"),
        ("CL trailing space", "POST / HTTP/1.1\r\nContent-Length: 5 \r\n\r\nhello"),
        ("CL inner space", "POST / HTTP/1.1\r\nContent-Length: 5 5\r\n\r\nhello"),
        ("CL list equal", "POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello"),
        ("CL list equal no space", "POST / HTTP/1.1\r\nContent-Length: 5,5\r\n\r\nhello"),
        ("CL list differs", "POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\nhello"),
        ("CL list trailing comma", "POST / HTTP/1.1\r\nContent-Length: 5,\r\n\r\nhello"),
        ("CL list leading comma", "POST / HTTP/1.1\r\nContent-Length: ,5\r\n\r\nhello"),
        ("CL two equal fields", "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
        ("CL two differing fields", "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 0\r\n\r\nhello"),
        ("CL empty", "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n"),
        ("CL 20 digits", "POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n"),
        ("CL 2^64-1", "POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n"),
        ("CL 19 nines", "POST / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n\r\n"),
        ("CL many leading zeros", "POST / HTTP/1.1\r\nContent-Length: 000000000000000000005\r\n\r\nhello"),
        ("CL name space before colon", "POST / HTTP/1.1\r\nContent-Length : 5\r\n\r\nhello"),
        ("CL obs-fold", "POST / HTTP/1.1\r\nContent-Length:\r\n 5\r\n\r\nhello"),
        ("CL Arabic digit", "POST / HTTP/1.1\r\nContent-Length: \u{D9}\u{A5}\r\n\r\nhello"),
        ("CL vertical tab", "POST / HTTP/1.1\r\nContent-Length: 5\u{0B}\r\n\r\nhello"),
        ("CL uppercase name", "POST / HTTP/1.1\r\nCONTENT-LENGTH: 5\r\n\r\nhello"),
        // Line ends and control bytes
        ("bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n"),
        ("bare LF after request line", "GET / HTTP/1.1\nHost: a\r\n\r\n"),
        ("bare LF ending the head", "GET / HTTP/1.1\r\nHost: a\r\n\n"),
        ("bare CR in a value", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"),
        ("bare CR line end", "GET / HTTP/1.1\r\nX: a\rContent-Length: 5\r\n\r\nhello"),
        ("CR CR LF", "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n"),
        ("NUL in a value", "GET / HTTP/1.1\r\nX: a\u{0}b\r\n\r\n"),
        ("NUL in a name", "GET / HTTP/1.1\r\nX\u{0}: a\r\n\r\n"),
        ("NUL in the target", "GET /\u{0} HTTP/1.1\r\n\r\n"),
        ("DEL in a value", "GET / HTTP/1.1\r\nX: a\u{7F}\r\n\r\n"),
        ("control byte in a value", "GET / HTTP/1.1\r\nX: a\u{1}\r\n\r\n"),
        ("obs-text in a value", "GET / HTTP/1.1\r\nX: caf\u{E9}\r\n\r\n"),
        ("tab in a value", "GET / HTTP/1.1\r\nX: a\tb\r\n\r\n"),
        ("value with trailing whitespace", "GET / HTTP/1.1\r\nX: a \t \r\n\r\n"),
        ("empty value", "GET / HTTP/1.1\r\nX:\r\n\r\n"),
        ("only whitespace value", "GET / HTTP/1.1\r\nX:   \r\n\r\n"),
        ("obs-fold", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"),
        ("obs-fold with tab", "GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n"),
        ("empty header name", "GET / HTTP/1.1\r\n: a\r\n\r\n"),
        ("header without colon", "GET / HTTP/1.1\r\nX\r\n\r\n"),
        ("header name with slash", "GET / HTTP/1.1\r\nX/Y: a\r\n\r\n"),
        ("header name with at", "GET / HTTP/1.1\r\nX@Y: a\r\n\r\n"),
        ("header name obs-text", "GET / HTTP/1.1\r\nX\u{E9}: a\r\n\r\n"),
        ("header name all tchar", "GET / HTTP/1.1\r\n!#$%&'*+-.^_`|~09azAZ: a\r\n\r\n"),
        // Request lines
        ("leading CRLF", "\r\nGET / HTTP/1.1\r\n\r\n"),
        ("leading CRLF twice", "\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
        ("leading LF", "\nGET / HTTP/1.1\r\n\r\n"),
        ("leading CRLF then LF", "\r\n\nGET / HTTP/1.1\r\n\r\n"),
        ("leading space", " GET / HTTP/1.1\r\n\r\n"),
        ("leading CR", "\rGET / HTTP/1.1\r\n\r\n"),
        ("two spaces after method", "GET  / HTTP/1.1\r\n\r\n"),
        ("two spaces before version", "GET /  HTTP/1.1\r\n\r\n"),
        ("tab after method", "GET\t/ HTTP/1.1\r\n\r\n"),
        ("tab before version", "GET /\tHTTP/1.1\r\n\r\n"),
        ("space after version", "GET / HTTP/1.1 \r\n\r\n"),
        ("space in target", "GET /a b HTTP/1.1\r\n\r\n"),
        ("no target", "GET HTTP/1.1\r\n\r\n"),
        ("no version", "GET /\r\n\r\n"),
        ("HTTP/0.9 style", "GET /\r\n"),
        ("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n"),
        ("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n"),
        ("HTTP/1.2", "GET / HTTP/1.2\r\n\r\n"),
        ("HTTP/1.9", "GET / HTTP/1.9\r\n\r\n"),
        ("HTTP/1.10", "GET / HTTP/1.10\r\n\r\n"),
        ("HTTP/11.1", "GET / HTTP/11.1\r\n\r\n"),
        ("HTTP/1", "GET / HTTP/1\r\n\r\n"),
        ("lowercase http", "GET / http/1.1\r\n\r\n"),
        ("PRI preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ("lowercase method", "get / HTTP/1.1\r\n\r\n"),
        ("unknown method", "FOO / HTTP/1.1\r\n\r\n"),
        ("extension method with body", "PROPFIND / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab"),
        ("method with tchar", "M-SEARCH * HTTP/1.1\r\n\r\n"),
        ("target obs-text", "GET /caf\u{E9} HTTP/1.1\r\n\r\n"),
        ("target with quote and braces", "GET /a\"{}|\\^` HTTP/1.1\r\n\r\n"),
        ("target DEL", "GET /\u{7F} HTTP/1.1\r\n\r\n"),
        ("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
        ("HEAD with Content-Length", "HEAD / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab"),
        ("Host twice", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        ("Expect 100-continue", "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab"),
        ("pipelined three", "GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET /3 HTTP/1.1\r\n\r\n"),
        ("pipelined chunked", "POST /1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"),
    ]

    /// Each written-out request stream, followed by `next`.
    static var writtenRequests: [Case] {
        requests.map { Case(name: $0.0, bytes: latin1($0.1 + next)) }
    }

    // MARK: Requests, a matrix

    static let teValues = ["chunked", "Chunked", " chunked", "chunked ", "\tchunked", "xchunked", "chunked, chunked",
                           "gzip, chunked", "chunked, gzip", "chunked,", ", chunked", "identity", "\"chunked\"",
                           "chunked;x=1", "chunk", "", "chunked\u{0B}", "chunked\u{0}", "ch unked", "chunked\r\n x"]
    static let teNames = ["Transfer-Encoding", "transfer-encoding", "Transfer-Encoding ", " Transfer-Encoding",
                          "Transfer_Encoding", "Transfer-Encodings"]
    static let clValues = ["5", "05", "+5", "-5", "5 ", "5,5", "5, 6", "5,", "0x5", "5.0", "", "5 5",
                           "99999999999999999999", "0", "1", "50"]
    static let chunkedBodies = [
        "5\r\nhello\r\n0\r\n\r\n", "5;a=b\r\nhello\r\n0\r\n\r\n", "5 ;a\r\nhello\r\n0\r\n\r\n", "5\t\r\nhello\r\n0\r\n\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n", "05\r\nhello\r\n0\r\n\r\n", "5\nhello\r\n0\r\n\r\n", "5\r\r\nhello\r\n0\r\n\r\n",
        "5\r\nhello\n0\r\n\r\n", "5\r\nhello\r\n0\r\nX: y\r\n\r\n", "5\r\nhello\r\n0\r\nX:y\r\n\r\n",
        "5\r\nhello\r\n0\r\n\r\n\r\n", "5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhell\r\n0\r\n\r\n", "5\r\nhello\r\n0\r\n",
        "5;\"\r\nhello\r\n0\r\n\r\n", "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n", "5\r\nhello\r\n00\r\n\r\n",
        "5\r\nhello\r\n0;x=y\r\n\r\n", "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n",
    ]

    /// Framing fields × bodies: every Transfer-Encoding name and value with a chunked body, every
    /// Content-Length value with a 5-byte body, both together, and each chunked body under plain TE.
    static var matrixRequests: [Case] {
        var cases: [Case] = []
        for name in teNames {
            for value in teValues {
                cases.append(Case(name: "TE \(name.debugDescription): \(value.debugDescription)",
                                  bytes: latin1("POST / HTTP/1.1\r\nHost: a\r\n\(name): \(value)\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + next)))
            }
        }
        for value in clValues {
            cases.append(Case(name: "CL \(value.debugDescription)",
                              bytes: latin1("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(value)\r\n\r\nhello" + next)))
            for te in ["chunked", "xchunked", " chunked"] {
                cases.append(Case(name: "CL \(value.debugDescription) + TE \(te.debugDescription)",
                                  bytes: latin1("POST / HTTP/1.1\r\nContent-Length: \(value)\r\nTransfer-Encoding: \(te)\r\n\r\n0\r\n\r\n" + next)))
                cases.append(Case(name: "TE \(te.debugDescription) + CL \(value.debugDescription)",
                                  bytes: latin1("POST / HTTP/1.1\r\nTransfer-Encoding: \(te)\r\nContent-Length: \(value)\r\n\r\n0\r\n\r\n" + next)))
            }
        }
        for (i, body) in chunkedBodies.enumerated() {
            for version in ["1.1", "1.0"] {
                let connection = version == "1.0" ? "Connection: keep-alive\r\n" : ""
                cases.append(Case(name: "chunked body \(i) HTTP/\(version)",
                                  bytes: latin1("POST / HTTP/\(version)\r\n\(connection)Transfer-Encoding: chunked\r\n\r\n\(body)" + next)))
            }
        }
        return cases
    }

    // MARK: Requests, mutated

    /// Well-formed pipelined streams the mutations start from.
    static let requestBases = [
        "GET /a HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /c HTTP/1.1\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\nGET /b HTTP/1.1\r\nHost: b\r\n\r\n",
        "POST /a HTTP/1.1\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\nabcdPOST /b HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nxyGET /2 HTTP/1.1\r\nConnection: close\r\n\r\n",
    ]
    /// What mutations insert: framing syntax and the bytes parsers disagree on.
    static let tokens = [
        "\r\n", "\n", "\r", "\0", "\t", " ", ",", ";", ":", "0", "1", "5", "f", "x", "-", "+", "\"", "\u{7F}", "\u{80}",
        "\u{FF}", "chunked", "Transfer-Encoding: chunked\r\n", "Content-Length: 3\r\n", "Content-Length: 0\r\n",
        "Transfer-Encoding: xchunked\r\n", "Connection: close\r\n", "0\r\n\r\n", "\r\n\r\n", " HTTP/1.1", "HTTP/1.0",
        "GET / HTTP/1.1\r\n\r\n", "\r\n ", "\r\n\t", "Host: x\r\n", "Upgrade: x\r\nConnection: upgrade\r\n",
    ]
    static let bytesOfInterest: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x2C, 0x3A, 0x3B, 0x30, 0x31, 0x66, 0x46, 0x22,
                                           0x2D, 0x2B, 0x7F, 0x80, 0xFF, 0x0B, 0x0C]

    /// `count` mutations of the bases: one to three edits each (insert a token, delete a run, replace
    /// a byte, repeat a line), from a fixed seed.
    static func mutated(_ bases: [String], count: Int, seed: UInt64) -> [Case] {
        var rng = SplitMix64(seed: seed)
        var cases: [Case] = []
        for n in 0..<count {
            let b = Int.random(in: 0..<bases.count, using: &rng)
            var bytes = latin1(bases[b])
            var what: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    let t = tokens.randomElement(using: &rng)!
                    bytes.insert(contentsOf: latin1(t), at: at)
                    what.append("insert \(t.debugDescription)@\(at)")
                case 1 where at < bytes.count:
                    let len = min(Int.random(in: 1...3, using: &rng), bytes.count - at)
                    bytes.removeSubrange(at..<(at + len))
                    what.append("delete \(len)@\(at)")
                case 2 where at < bytes.count:
                    let c = bytesOfInterest.randomElement(using: &rng)!
                    bytes[at] = c
                    what.append("set \(c)@\(at)")
                default:
                    // Repeat the line around `at`.
                    let s = bytes[..<min(at, bytes.count)].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                    guard let e = bytes[s...].firstIndex(of: 0x0A) else { continue }
                    bytes.insert(contentsOf: bytes[s...e], at: e + 1)
                    what.append("repeat line@\(s)")
                }
            }
            cases.append(Case(name: "mutation \(n) of base \(b): " + what.joined(separator: ", "), bytes: bytes, base: b))
        }
        return cases
    }

    // MARK: Responses

    /// Response streams, each with the methods of the requests they answer.
    static let responses: [(String, [String], String)] = [
        ("length", ["GET", "GET"], "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 204 No Content\r\n\r\n"),
        ("chunked", ["GET", "GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ("close-delimited", ["GET"], "HTTP/1.1 200 OK\r\n\r\nhello world"),
        ("HTTP/1.0 close-delimited", ["GET"], "HTTP/1.0 200 OK\r\n\r\nhello"),
        ("HTTP/1.0 keep-alive", ["GET", "GET"], "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ("HEAD with length", ["HEAD", "GET"], "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
        ("HEAD with chunked", ["HEAD", "GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
        ("204 with length", ["GET", "GET"], "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
        ("304 with length", ["GET", "GET"], "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
        ("304 with chunked", ["GET", "GET"], "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
        ("100 then 200", ["POST"], "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
        ("103 with fields then 200", ["GET"], "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
        ("101", ["GET"], "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nraw bytes"),
        ("TE and CL", ["GET", "GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ("TE gzip close-delimited", ["GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc"),
        ("TE xchunked", ["GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        ("TE chunked, gzip", ["GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
        ("TE gzip, chunked", ["GET", "GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ("CL differs", ["GET"], "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy"),
        ("CL list", ["GET"], "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nxy"),
        ("CL invalid", ["GET"], "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nxy"),
        ("CL 0x", ["GET"], "HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nxy"),
        ("status without reason", ["GET"], "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"),
        ("status with empty reason", ["GET"], "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"),
        ("status two digits", ["GET"], "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"),
        ("status four digits", ["GET"], "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"),
        ("status 099", ["GET"], "HTTP/1.1 099 X\r\nContent-Length: 0\r\n\r\n"),
        ("status 999", ["GET"], "HTTP/1.1 999 X\r\nContent-Length: 0\r\n\r\n"),
        ("reason with obs-text", ["GET"], "HTTP/1.1 200 \u{C9}t\u{E9}\r\nContent-Length: 0\r\n\r\n"),
        ("reason with NUL", ["GET"], "HTTP/1.1 200 O\u{0}K\r\nContent-Length: 0\r\n\r\n"),
        ("HTTP/2.0 status line", ["GET"], "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ("HTTP/1.2 status line", ["GET"], "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ("bare LF head", ["GET"], "HTTP/1.1 200 OK\nContent-Length: 0\n\n"),
        ("obs-fold", ["GET"], "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n"),
        ("space before colon", ["GET"], "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx"),
        ("chunked with trailers", ["GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX: y\r\n\r\n"),
        ("chunked bad size", ["GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\nx\r\n0\r\n\r\n"),
        ("chunked, connection close", ["GET"], "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"),
        ("length, connection close", ["GET"], "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx"),
        ("leading CRLF", ["GET"], "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ("response to CONNECT", ["CONNECT"], "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"),
    ]

    static var writtenResponses: [(Case, [String])] {
        responses.map { (Case(name: $0.0, bytes: latin1($0.2)), $0.1) }
    }

    static let responseBases: [(String, [String])] = [
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhelloHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;e\r\nabc\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", ["GET", "GET", "GET"]),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nT: 1\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", ["POST", "GET"]),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx", ["HEAD", "GET"]),
    ]

    static func mutatedResponses(count: Int, seed: UInt64) -> [(Case, [String])] {
        mutated(responseBases.map(\.0), count: count, seed: seed).map { ($0, responseBases[$0.base].1) }
    }
}
