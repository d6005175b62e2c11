import Frontend
import TextTemplate
import IR
import Testing

/// The bundled streamlit specs' `secrets.toml.tmpl`, rendered as OpenRun
/// does when the container starts: every param as `key="value"`.
@Suite("Streamlit secrets template")
struct SecretsTemplateTests {
    static func template(_ spec: String) throws -> GoTemplate {
        let file = try #require(BundledSpecs.files(of: spec)?["secrets.toml.tmpl"])
        return try GoTemplate(source: String(decoding: file.bytes, as: UTF8.self), file: "secrets.toml.tmpl")
    }

    @Test("renders every param as key=\"value\", sorted by key", arguments: ["python-streamlit", "python-streamlit-poetry"])
    func everyParam(_ spec: String) throws {
        let t = try Self.template(spec)
        let out = try t.render(data: .params(["port": "8501", "app_file": "streamlit_app.py", "API_KEY": "s3cret"]))
        #expect(out == "API_KEY=\"s3cret\"\napp_file=\"streamlit_app.py\"\nport=\"8501\"\n")
    }

    @Test("quotes and backslashes in values stay valid TOML basic strings")
    func quoting() throws {
        let t = try Self.template("python-streamlit")
        let out = try t.render(data: .params(["msg": "say \"hi\"\\now\n\ttab"]))
        #expect(out == #"msg="say \"hi\"\\now\n\ttab""# + "\n")
    }

    @Test("no params render an empty file")
    func empty() throws {
        let t = try Self.template("python-streamlit")
        #expect(try t.render(data: .params([:])) == "")
    }
}
