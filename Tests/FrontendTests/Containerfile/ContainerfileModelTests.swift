import Foundation
@testable import Frontend
import IR
import Testing

/// The semantic model: ARG scoping, build-arg overrides, ENV accumulation,
/// which instructions expand, and BuildKit's instruction errors.
@Suite("Containerfile semantic model")
struct ContainerfileModelTests {
    static func model(_ text: String, _ buildArgs: [String: String] = [:]) throws(DiagnosticError) -> ContainerfileModel {
        try ContainerfileAnalyzer.analyze(text, file: "Containerfile", buildArgs: buildArgs)
    }

    static func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try model(text)
            return []
        } catch {
            return error.diagnostics.filter { $0.severity == .error }
        }
    }

    @Test("global ARGs expand in FROM; a stage sees them only after re-declaring")
    func argScoping() throws {
        let m = try Self.model("""
            ARG V=1.0
            ARG IMG=alpine
            FROM ${IMG}:$V AS base
            LABEL before=[$V]
            ARG V
            LABEL after=[$V]
            ARG W=${V}-x
            LABEL w=$W
            """)
        let s = try #require(m.finalStage)
        #expect(s.base == "alpine:1.0")
        #expect(s.baseRaw == "${IMG}:$V")
        #expect(s.name == "base")
        #expect(s.labelMap == ["before": "[]", "after": "[1.0]", "w": "1.0-x"])
        #expect(m.globalArgs.map(\.name) == ["V", "IMG"])
        #expect(m.globalArgs.map(\.defaultValue) == ["1.0", "alpine"])
        #expect(s.args.map(\.name) == ["V", "W"])
        #expect(s.args[0].defaultValue == nil && s.args[0].value == "1.0")
        #expect(m.buildArgNames.map(\.name) == ["V", "IMG", "W"])
        #expect(m.images.map(\.reference) == ["alpine:1.0"])
    }

    @Test("--platform is expanded with the global ARGs; an empty platform is no platform")
    func platform() throws {
        let m = try Self.model("ARG P=linux/arm64\nFROM --platform=$P alpine AS a\nFROM --platform=$BUILDPLATFORM alpine\n")
        #expect(m.stages.map(\.platform) == ["linux/arm64", nil])
    }

    @Test("build args override global and stage ARG defaults")
    func buildArgOverrides() throws {
        let m = try Self.model("""
            ARG TAG=3.18
            FROM alpine:$TAG
            ARG PORT=8080
            ARG UNSETARG
            EXPOSE $PORT
            ENV P=${PORT} U=${UNSETARG:-none}
            """, ["TAG": "3.20", "PORT": "9090"])
        let s = try #require(m.finalStage)
        #expect(s.base == "alpine:3.20")
        #expect(m.globalArgs[0].overridden && m.globalArgs[0].value == "3.20" && m.globalArgs[0].defaultValue == "3.18")
        #expect(s.expose.map(\.port) == [9090])
        #expect(s.env.map(\.value) == ["9090", "none"])
        #expect(s.args.map(\.value) == ["9090", nil])
    }

    @Test("ENV accumulates, wins over ARG, and one ENV line sees the values before it")
    func envAccumulation() throws {
        let m = try Self.model("""
            FROM scratch
            ARG X=from-arg
            ENV X=from-env
            ENV A=1
            ENV A=2 B=$A
            ENV C="$X and $A" D=plain\\ text
            ENV OLD old form value
            """)
        let env = try #require(m.finalStage).env
        #expect(env.map(\.key) == ["X", "A", "B", "C", "D", "OLD"])
        #expect(env.map(\.value) == ["from-env", "2", "1", "from-env and 2", "plain text", "old form value"])
        #expect(env.map(\.location.line) == [3, 5, 5, 6, 6, 7])
        #expect(m.images.isEmpty)
    }

    @Test("EXPOSE keeps port, protocol and ranges; the last plain TCP port is what OpenRun uses")
    func expose() throws {
        let m = try Self.model("""
            FROM alpine
            ARG PORTS="80 443/tcp"
            EXPOSE $PORTS 53/udp 7000-7010/tcp 9000/TCP
            EXPOSE 8080 9999/udp
            """)
        let s = try #require(m.finalStage)
        #expect(s.expose.map(\.raw) == ["80", "443/tcp", "53/udp", "7000-7010/tcp", "9000/TCP", "8080", "9999/udp"])
        #expect(s.expose.map(\.port) == [80, 443, 53, 7000, 9000, 8080, 9999])
        #expect(s.expose.map(\.proto) == ["tcp", "tcp", "udp", "tcp", "tcp", "tcp", "udp"])
        #expect(s.expose[3].endPort == 7010)
        #expect(s.lastPlainPort?.port == 8080)
        #expect(s.lastPlainPort?.location.line == 4)
    }

    @Test("an EXPOSE item that does not parse is a located warning and stays unparsed")
    func exposeInvalid() throws {
        let text = "FROM alpine\nEXPOSE abc 80\n"
        let ast = try ContainerfileParser.parse(text, file: "Containerfile")
        let d = Diagnostics()
        let m = ContainerfileAnalyzer(ast: ast, buildArgs: [:], diagnostics: d).run()
        #expect(m.finalStage?.expose.map(\.port) == [nil, 80])
        #expect(d.warnings.map(\.id) == ["containerfile.expose-invalid"])
        #expect(d.warnings.first?.location?.line == 2)
    }

    @Test("VOLUME, WORKDIR, USER, STOPSIGNAL are expanded; WORKDIR joins relative paths")
    func pathsAndUser() throws {
        let m = try Self.model("""
            FROM alpine
            ENV BASE=/srv NAME=data
            VOLUME ["/a", "$BASE/$NAME"]
            VOLUME /b /c
            WORKDIR $BASE
            WORKDIR app/./x/..
            USER ${NAME}:1000
            STOPSIGNAL SIG$NAME
            """)
        let s = try #require(m.finalStage)
        #expect(s.volumes.map(\.value) == ["/a", "/srv/data", "/b", "/c"])
        #expect(s.workdir?.value == "/srv/app")
        #expect(s.user?.value == "data:1000")
        #expect(s.stopSignal?.value == "SIGdata")
    }

    @Test("CMD and ENTRYPOINT keep their form; ENTRYPOINT clears an inherited CMD; RUN/CMD are not expanded")
    func commands() throws {
        let m = try Self.model("""
            FROM alpine AS base
            ENV X=1
            CMD echo $X
            ENTRYPOINT ["/bin/app"]
            FROM base AS child
            ENTRYPOINT /bin/other
            FROM base
            CMD ["serve", "$X"]
            """)
        #expect(m.stages[0].cmd == ContainerfileCommand(exec: false, args: ["echo $X"], location: SourceLocation(file: "Containerfile", line: 3, column: 1)))
        #expect(m.stages[0].entrypoint?.exec == true)
        #expect(m.stages[1].cmd == nil)
        #expect(m.stages[1].entrypoint?.args == ["/bin/other"])
        #expect(m.stages[1].entrypoint?.exec == false)
        #expect(m.stages[1].baseStage == 0)
        #expect(m.stages[1].env.map(\.key) == ["X"])
        #expect(m.stages[2].cmd?.args == ["serve", "$X"])
        #expect(m.stages[2].entrypoint?.args == ["/bin/app"])
        #expect(m.stages.map(\.isFinal) == [false, false, true])
        #expect(m.images.map(\.reference) == ["alpine"])
    }

    @Test("HEALTHCHECK: NONE, CMD (exec) and CMD-SHELL with options")
    func healthcheck() throws {
        let none = try Self.model("FROM a\nHEALTHCHECK NONE\n").finalStage?.healthcheck
        #expect(none?.isNone == true)
        let shell = try Self.model("FROM a\nHEALTHCHECK --interval=30s --timeout=5s --start-period=1m --start-interval=2s --retries=3 CMD curl -f http://x/ || exit 1\n").finalStage?.healthcheck
        #expect(shell?.test == ["CMD-SHELL", "curl -f http://x/ || exit 1"])
        #expect(shell?.interval == "30s")
        #expect(shell?.timeout == "5s")
        #expect(shell?.startPeriod == "1m")
        #expect(shell?.startInterval == "2s")
        #expect(shell?.retries == 3)
        let exec = try Self.model("FROM a\nHEALTHCHECK CMD [\"wget\", \"-q\", \"http://x/\"]\n").finalStage?.healthcheck
        #expect(exec?.test == ["CMD", "wget", "-q", "http://x/"])
    }

    @Test("stages referenced by COPY --from are not images; other --from values and mounts are")
    func images() throws {
        let m = try Self.model("""
            FROM golang:1.22 AS build
            FROM build AS test
            FROM scratch
            COPY --from=build /a /a
            COPY --from=0 /b /b
            COPY --from=nginx:latest /c /c
            RUN --mount=type=bind,from=busybox,target=/bb true
            """)
        #expect(m.images.map(\.reference) == ["golang:1.22", "nginx:latest", "busybox"])
        #expect(m.stages[1].baseStage == 0)
    }

    @Test("ONBUILD triggers are recorded as written, heredocs included")
    func onbuild() throws {
        let m = try Self.model("FROM a\nONBUILD RUN echo $X  \nonbuild\tCOPY <<EOF /x\nbody\nEOF\n")
        #expect(m.finalStage?.onbuild.map(\.value) == ["RUN echo $X  ", "COPY <<EOF /x\nbody\nEOF"])
    }

    @Test("the escape directive applies to expansion too")
    func windowsEscape() throws {
        let m = try Self.model("# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\nENV DIR=C:\\app `\n    LOG=C:\\logs\nWORKDIR $DIR\n")
        let s = try #require(m.finalStage)
        #expect(s.env.map(\.value) == ["C:\\app", "C:\\logs"])
        #expect(m.escapeToken == "`")
    }

    /// (Containerfile, line, message) — BuildKit's wording for instruction errors.
    static let errorCases: [(String, Int, String)] = [
        ("FROM a\nCOPY onlyone\n", 2, "COPY requires at least two arguments, but only one was provided. Destination could not be determined"),
        ("FROM a\nADD x\n", 2, "ADD requires at least two arguments, but only one was provided. Destination could not be determined"),
        ("FROM a\nCOPY x <<EOF\nbody\nEOF\n", 2, "COPY cannot accept a heredoc as a destination"),
        ("FROM a\nFOO bar\n", 2, "unknown instruction: FOO (did you mean FROM?)"),
        ("FROM a\nXYZZY bar\n", 2, "unknown instruction: XYZZY"),
        ("FROM a\nrunn x\n", 2, "unknown instruction: runn (did you mean run?)"),
        ("FROM a\nRUNN x\n", 2, "unknown instruction: RUNN (did you mean RUN?)"),
        ("RUN x\n", 1, "no build stage in current context"),
        ("ARG A\n", 1, "dockerfile contains no stages to build"),
        ("FROM a b\n", 1, "FROM requires either one or three arguments"),
        ("FROM a AS 1x\n", 1, "invalid name for build stage: \"1x\", name can't start with a number or contain symbols"),
        ("FROM a AS x\nFROM b AS X\n", 2, "duplicate stage name \"x\""),
        ("ARG E\nFROM ${E}\n", 2, "base name (${E}) should not be blank"),
        ("FROM a\nCOPY --form=x a b\n", 2, "unknown flag: form (did you mean from?)"),
        ("FROM a\nCOPY --from a b\n", 2, "missing a value on flag: from"),
        ("FROM a\nCOPY --link=maybe a b\n", 2, "expecting boolean value for flag link, not: maybe"),
        ("FROM a\nCOPY --from=x --from=y a b\n", 2, "duplicate flag specified: from"),
        ("FROM a\nENV --x=1 A=b\n", 2, "unknown flag: x"),
        ("FROM a\nENV A=b =c\n", 2, "ENV names can not be blank"),
        ("FROM a\nLABEL\n", 2, "LABEL requires at least one argument"),
        ("FROM a\nARG =x\n", 2, "ARG names can not be blank"),
        ("FROM a\nEXPOSE\n", 2, "EXPOSE requires at least one argument"),
        ("FROM a\nVOLUME\n", 2, "VOLUME requires at least one argument"),
        ("FROM a\nVOLUME [\"\"]\n", 2, "VOLUME specified can not be an empty string"),
        ("FROM a\nWORKDIR\n", 2, "WORKDIR requires exactly one argument"),
        ("FROM a\nUSER\n", 2, "USER requires exactly one argument"),
        ("FROM a\nSTOPSIGNAL\n", 2, "STOPSIGNAL requires exactly one argument"),
        ("FROM a\nMAINTAINER\n", 2, "MAINTAINER requires exactly one argument"),
        ("FROM a\nSHELL /bin/sh -c\n", 2, "SHELL requires the arguments to be in JSON form"),
        ("FROM a\nSHELL []\n", 2, "SHELL requires at least one argument"),
        ("FROM a\nONBUILD\n", 2, "ONBUILD requires at least one argument"),
        ("FROM a\nONBUILD ONBUILD RUN x\n", 2, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
        ("FROM a\nONBUILD FROM x\n", 2, "FROM isn't allowed as an ONBUILD trigger"),
        ("FROM a\nHEALTHCHECK\n", 2, "HEALTHCHECK requires at least one argument"),
        ("FROM a\nHEALTHCHECK NONE x\n", 2, "HEALTHCHECK NONE takes no arguments"),
        ("FROM a\nHEALTHCHECK FOO x\n", 2, "Unknown type \"FOO\" in HEALTHCHECK (try CMD)"),
        ("FROM a\nHEALTHCHECK CMD\n", 2, "Missing command after HEALTHCHECK CMD"),
        ("FROM a\nHEALTHCHECK --interval=1ns CMD x\n", 2, "Interval \"interval\" cannot be less than 1ms"),
        ("FROM a\nHEALTHCHECK --timeout=abc CMD x\n", 2, "time: invalid duration \"abc\""),
        ("FROM a\nHEALTHCHECK --timeout=5 CMD x\n", 2, "time: missing unit in duration \"5\""),
        ("FROM a\nHEALTHCHECK --retries=-1 CMD x\n", 2, "--retries cannot be negative (-1)"),
        ("FROM a\nHEALTHCHECK --retries=x CMD x\n", 2, "strconv.ParseInt: parsing \"x\": invalid syntax"),
        ("FROM a\nENV X=${Y:?must_be_set}\n", 2, "failed to process \"${Y:?must_be_set}\": Y: must_be_set"),
        ("FROM a\nLABEL a=\"unterminated\n", 2, "failed to process \"\\\"unterminated\": unexpected end of statement while looking for matching double-quote"),
        ("FROM a\n\nRUN --x=1 y\n", 3, "unknown flag: x"),
    ]

    @Test("instruction errors use BuildKit's wording and point at the instruction", arguments: errorCases)
    func instructionErrors(_ text: String, _ line: Int, _ message: String) {
        let errors = Self.errors(text)
        #expect(errors.map(\.message) == [message])
        #expect(errors.first?.location == SourceLocation(file: "Containerfile", line: line, column: 1))
    }

    @Test("every error of a file is reported, not only the first")
    func keepsGoing() {
        let errors = Self.errors("FROM a\nCOPY x\nUSER\nFOO\n")
        #expect(errors.map(\.location?.line) == [2, 3, 4])
        #expect(Set(errors.map(\.id)) == ["containerfile.arguments", "containerfile.unknown-instruction"])
    }

    /// (Containerfile, line, message) — parse errors in BuildKit's wording.
    static let parseErrorCases: [(String, Int, String)] = [
        ("", 1, "file with no instructions"),
        ("# escape=x\nFROM a\n", 1, "invalid escape token 'x' does not match ` or \\"),
        ("# syntax=a\n# syntax=b\nFROM a\n", 2, "only one syntax parser directive can be used"),
        ("FROM a\nRUN <<EOF\nbody\n", 2, "unterminated heredoc"),
        ("FROM a\nCMD [\"a\", 1]\n", 2, "when using JSON array syntax, arrays must be comprised of strings only"),
        ("FROM a\nENV x\n", 2, "ENV must have two arguments"),
        ("FROM a\nENV a=b c\n", 2, "Syntax error - can't find = in \"c\". Must be of the form: name=value"),
    ]

    @Test("parse errors use BuildKit's wording and are located", arguments: parseErrorCases)
    func parseErrors(_ text: String, _ line: Int, _ message: String) {
        #expect(Self.errors(text).map(\.message) == [message])
        #expect(Self.errors(text).first?.location?.line == line)
    }

    @Test("the model is encodable and round-trips through JSON")
    func codable() throws {
        let m = try Self.model("ARG A=1\nFROM alpine:$A AS x\nLABEL k=v\nEXPOSE 80\nCMD [\"a\"]\nHEALTHCHECK NONE\n")
        let data = try JSONEncoder().encode(m)
        let back = try JSONDecoder().decode(ContainerfileModel.self, from: data)
        #expect(back == m)
    }
}
