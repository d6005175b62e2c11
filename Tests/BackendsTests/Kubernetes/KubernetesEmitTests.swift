import Foundation
import IR
import TestSupport
import Testing
@testable import Backends

/// Behaviours of `KubernetesBackend.emit` on golden IR changed the way each
/// test needs (every docs/backends.md kubernetes row points at one of these
/// or at the golden, validation and secret tests).
@Suite("Kubernetes backend: what each IR item becomes")
struct KubernetesEmitTests {
    static let here = SourceLocation(file: "app.star", line: 7, column: 3)

    /// The busybox `container` case with a secret param and a cl_secret file that uses it.
    static func secretFileApp(template: String = "db_pass={{ .params.db_password }}\nname={{ .params.app_name }}\n") throws -> AppIR {
        var ir = try GoldenIR.load("container")
        ir.container!.env.insert(EnvVar(name: "db_password", value: EnvValue([.secret(SecretReference(provider: nil, key: "DB_PASSWORD"))]),
                                        origin: .param, location: here), at: 0)
        ir.container!.volumes.append(.secretFile(SecretFileMount(
            templatePath: "config.tmpl", template: template, name: "config-tmpl-0badf00d", target: "/etc/app/config.txt",
            declared: VolumeDeclared(origin: .appStar, text: "cl_secret:config.tmpl:/etc/app/config.txt", location: here))))
        return ir
    }

    func emit(_ ir: AppIR, _ options: KubernetesBackend.Options = KubernetesGoldenTests.options) -> (KubernetesBackend.Model?, Diagnostics) {
        let d = Diagnostics()
        return (KubernetesBackend.emit(ir, options: options, diagnostics: d), d)
    }

    @Test func registryImageDropsTheOpenrunPrefix() throws {
        let ir = try GoldenIR.load("container")
        let (model, _) = emit(ir)
        #expect(model?.deployment?.template.spec.containers[0].image == "registry.example.com/apps/app:966d3ad88bfb")
        #expect(model?.deployment?.template.spec.containers[0].imagePullPolicy == .ifNotPresent)
        let (local, d) = emit(ir, .init())
        #expect(local?.deployment?.template.spec.containers[0].image == "openrun/app:966d3ad88bfb")
        #expect(d.warnings.map(\.id) == [KubernetesDiagnostics.noRegistry])
    }

    @Test func probesResourcesAndAutoscaler() throws {
        var ir = try GoldenIR.load("python-flask")
        ir.container!.resources = Resources(cpuMillis: 500, memoryBytes: 512 << 20, minReplicas: 2, maxReplicas: 5)
        let (model, d) = emit(ir)
        let m = try #require(model)
        let c = m.deployment!.template.spec.containers[0]
        #expect(c.resources == ResourceRequirements(requests: [KeyValue("cpu", "500m"), KeyValue("memory", "512Mi")], limits: [KeyValue("memory", "512Mi")]))
        #expect(c.startupProbe == Probe(path: ir.container!.healthPath, port: "http", scheme: "HTTP", periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 60))
        #expect(c.readinessProbe?.failureThreshold == 3)
        #expect(m.deployment!.replicas == nil)
        #expect(m.autoscaler == HorizontalPodAutoscaler(metadata: m.deployment!.metadata, deploymentName: m.deployment!.metadata.name,
                                                         minReplicas: 2, maxReplicas: 5, cpuAverageUtilization: 80))
        #expect(m.kustomization.resources.contains(KubernetesBackend.FileName.autoscaler))
        #expect(d.all.isEmpty)

        ir.container!.resources = Resources(cpuMillis: 100, minReplicas: 0, maxReplicas: 2)
        #expect(emit(ir).0?.autoscaler?.minReplicas == 1)

        ir.container!.resources = Resources(minReplicas: 3)
        let (fixed, _) = emit(ir)
        #expect(fixed?.deployment?.replicas == 3)
        #expect(fixed?.autoscaler == nil)
    }

    @Test func autoscalerWithoutCPURequestWarns() throws {
        var ir = try GoldenIR.load("python-flask")
        ir.container!.resources = Resources(maxReplicas: 3)
        let (_, d) = emit(ir)
        #expect(d.warnings.map(\.id) == [KubernetesDiagnostics.autoscalerWithoutCPU])
    }

    @Test func volumesBecomeClaimsAndRecreate() throws {
        let ir = try GoldenIR.load("container")
        let (model, _) = emit(ir, .init(registry: "r", storageSize: "5Gi", storageClass: "fast"))
        let m = try #require(model)
        #expect(m.claims.map(\.metadata.name) == ["app-data-bd47413b", "app-cache-5e1ecee0"])
        #expect(m.claims.allSatisfy { $0.storage == "5Gi" && $0.storageClassName == "fast" })
        #expect(m.deployment?.strategy == .recreate)
        #expect(m.deployment?.template.spec.containers[0].volumeMounts.map(\.mountPath) == ["/data", "/cache"])
    }

    @Test func bindMountsAndEngineFlagsWarnAtTheirDeclaration() throws {
        var ir = try GoldenIR.load("container")
        ir.container!.volumes.append(.bind(BindMount(path: "data", base: .appSource, target: "/srv", readOnly: true,
                                                     declared: VolumeDeclared(origin: .appStar, text: "./data:/srv:ro", location: Self.here))))
        let flag = SourceLocation.flag("--copt", "docker.shm-size=1g")
        ir.container!.engineFlags = [EngineFlag(engine: .docker, name: "shm-size", value: "1g", location: flag)]
        let (model, d) = emit(ir)
        #expect(model?.deployment?.template.spec.containers[0].volumeMounts.contains { $0.mountPath == "/srv" } == false)
        #expect(d.warnings.map(\.id) == [KubernetesDiagnostics.bindMount, KubernetesDiagnostics.engineFlag])
        #expect(d.warnings.map(\.location) == [Self.here, flag])
    }

    @Test func mixedSecretEnvIsALocatedError() throws {
        var ir = try GoldenIR.load("container")
        ir.container!.env.append(EnvVar(name: "DB_URL", value: EnvValue([.literal("postgres://u:"), .secret(SecretReference(provider: nil, key: "PW")), .literal("@db")]),
                                        origin: .param, location: Self.here))
        let (_, d) = emit(ir)
        #expect(d.errors.map(\.id) == [KubernetesDiagnostics.mixedSecret])
        #expect(d.errors.first?.location == Self.here)
        #expect(d.errors.first?.notes.first?.message.contains("{{secret \"PW\"}}") == true)
        #expect(KubernetesBackend.artifacts(for: ir, options: KubernetesGoldenTests.options, diagnostics: Diagnostics()) == nil)
    }

    @Test func commandLifetimeWritesNoDeployment() throws {
        let (model, d) = emit(try GoldenIR.load("image-cmd"))
        #expect(model?.deployment == nil)
        #expect(model?.kustomization.resources == [])
        #expect(d.warnings.map(\.id) == [KubernetesDiagnostics.commandLifetime])
    }

    @Test(arguments: [
        ("nginx", "/app(/|$)(.*)", "ImplementationSpecific", "nginx.ingress.kubernetes.io/rewrite-target" as String?, nil as String?),
        ("traefik", "/app", "Prefix", "traefik.ingress.kubernetes.io/router.middlewares", nil),
        ("haproxy", "/app", "Prefix", nil, KubernetesDiagnostics.stripApp),
    ])
    func ingressStripsTheAppPathWhereTheClassKnowsHow(ingressClass: String, path: String, pathType: String, annotation: String?, warning: String?) throws {
        let ir = try GoldenIR.load("container")
        let (model, d) = emit(ir, .init(registry: "r", namespace: "web", ingressClass: ingressClass, host: "apps.example.com"))
        let ingress = try #require(model?.ingress)
        #expect(ingress.ingressClassName == ingressClass)
        #expect(ingress.host == "apps.example.com")
        #expect(ingress.paths == [.init(path: path, pathType: pathType, serviceName: "app", servicePort: "http")])
        if let annotation { #expect(ingress.metadata.annotations.contains { $0.key == annotation }) }
        #expect(d.warnings.map(\.id) == (warning.map { [$0] } ?? []))
        if ingressClass == "traefik" {
            #expect(model?.middleware?.prefixes == ["/app"])
            #expect(ingress.metadata.annotations.last?.value == "web-app-strip-app@kubernetescrd")
        }
    }

    @Test func invalidOptionsAreErrorsAtTheirFlags() throws {
        let ir = try GoldenIR.load("container")
        let (model, d) = emit(ir, .init(registry: "r", namespace: "Apps", host: "*.example.com", storageSize: "1 GB", secretName: "ok-name"))
        #expect(model == nil)
        #expect(d.rendered == """
            --namespace Apps: error: --namespace Apps is not a valid namespace (lowercase letters, digits and '-', at most 63) [kubernetes.option-invalid]
            --storage-size 1 GB: error: --storage-size 1 GB is not a storage quantity like 1Gi or 500Mi [kubernetes.option-invalid]
            """)
        #expect(KubernetesBackend.isQuantity("1.5Gi") && KubernetesBackend.isQuantity("500M") && !KubernetesBackend.isQuantity("Gi"))
    }

    @Test func noIngressWithoutAClass() throws {
        let (model, _) = emit(try GoldenIR.load("container"), .init(registry: "r"))
        #expect(model?.ingress == nil)
        #expect(model?.kustomization.resources == ["deployment.yaml", "service.yaml", "persistentvolumeclaims.yaml"])
    }

    @Test func appURLUsesTheHost() throws {
        let ir = try GoldenIR.load("container")
        let (model, _) = emit(ir, .init(registry: "r", host: "apps.example.com"))
        let env = try #require(model?.deployment?.template.spec.containers[0].env)
        #expect(env.last == EnvVarSpec(name: "CL_APP_URL", source: .value("http://apps.example.com/app")))
    }

    @Test func secretFilesAreAssembledByAnInitContainer() throws {
        let ir = try Self.secretFileApp()
        let (model, d) = emit(ir)
        #expect(d.all.isEmpty, "\(d.rendered)")
        let pod = try #require(model?.deployment?.template.spec)
        let initContainer = try #require(pod.initContainers.first)
        #expect(initContainer.image == "docker.io/library/busybox:1.36")
        #expect(initContainer.command == ["/bin/sh", "-c", "set -eu\nprintf '%s' db_pass= \"$OPENRUN_SECRET_DB_PASSWORD\" '\nname=Busybox\n' > /openrun/secret-files/config-tmpl-0badf00d\n"])
        #expect(initContainer.env == [EnvVarSpec(name: "OPENRUN_SECRET_DB_PASSWORD", source: .secretKeyRef(name: "app-secrets", key: "DB_PASSWORD"))])
        #expect(pod.volumes.last == Volume(name: "openrun-secret-files", source: .emptyDir(medium: nil)))
        #expect(pod.containers[0].volumeMounts.last == VolumeMount(name: "openrun-secret-files", mountPath: "/etc/app/config.txt",
                                                                    subPath: "config-tmpl-0badf00d", readOnly: true))
        #expect(model?.secretFiles == [])
    }

    @Test func secretKeysThatSanitizeAlikeGetTheirOwnVariables() throws {
        var ir = try Self.secretFileApp(template: "{{ .params.a }}{{ .params.b }}{{ .params.a }}")
        ir.container!.env.insert(EnvVar(name: "a", value: EnvValue([.secret(SecretReference(provider: nil, key: "K-1"))]), origin: .param), at: 0)
        ir.container!.env.insert(EnvVar(name: "b", value: EnvValue([.secret(SecretReference(provider: nil, key: "K_1"))]), origin: .param), at: 0)
        let (model, _) = emit(ir)
        let initContainer = try #require(model?.deployment?.template.spec.initContainers.first)
        #expect(initContainer.env == [
            EnvVarSpec(name: "OPENRUN_SECRET_K_1", source: .secretKeyRef(name: "app-secrets", key: "K-1")),
            EnvVarSpec(name: "OPENRUN_SECRET_K_1_2", source: .secretKeyRef(name: "app-secrets", key: "K_1")),
        ])
        #expect(initContainer.command.last?.contains("printf '%s' \"$OPENRUN_SECRET_K_1\" \"$OPENRUN_SECRET_K_1_2\" \"$OPENRUN_SECRET_K_1\" >") == true)
    }

    @Test func secretFilesThatTransformSecretsAreLeftToTheOperator() throws {
        let ir = try Self.secretFileApp(template: "password={{ printf \"%q\" .params.db_password }}\n")
        let (model, d) = emit(ir)
        #expect(d.warnings.map(\.id) == [KubernetesDiagnostics.secretFileExternal])
        #expect(d.warnings.first?.location == Self.here)
        #expect(model?.deployment?.template.spec.initContainers == [])
        #expect(model?.deployment?.template.spec.volumes.last == Volume(
            name: "app-config-tmpl-0badf00d", source: .secret(secretName: "app-config-tmpl-0badf00d", items: [.init(key: "config.txt", path: "config.txt")])))
    }

    @Test(arguments: [
        ("{{ .params.db_password }}", true),
        ("a{{ .params.db_password }}b{{ .params.db_password }}", true),
        ("{{ range $k, $v := .params }}{{ $k }}={{ $v }}\n{{ end }}", true),
        ("{{ printf \"%q\" .params.db_password }}", false),
        ("{{ len .params.db_password }}", false),
        ("{{ .params.db_password | html }}", false),
        ("{{ .params.db_password | urlquery }}", false),
        ("no params at all", true),
    ])
    func assemblyIsExactOrRefused(template: String, assembles: Bool) throws {
        let ir = try Self.secretFileApp(template: template)
        guard case .secretFile(let file)? = ir.container?.volumes.last else { Issue.record("no secret file"); return }
        let params = ir.container!.env.filter { $0.origin == .param }
        let assembly = try SecretFileAssembly.assemble(file, params: params, appURL: "http://x")
        #expect((assembly != nil) == assembles)
    }

    @Test func generatedDirectoriesWithSecretFilesAndAutoscalersValidate() throws {
        var ir = try Self.secretFileApp()
        ir.container!.resources = Resources(cpuMillis: 250, memoryBytes: 1 << 30, minReplicas: 1, maxReplicas: 4)
        let d = Diagnostics()
        let artifacts = try #require(KubernetesBackend.artifacts(for: ir, options: .init(registry: "r.example.com", namespace: "web", ingressClass: "traefik"),
                                                                 diagnostics: d))
        let dir = try KubernetesDirectory.write(artifacts, label: "extra")
        defer { try? FileManager.default.removeItem(at: dir) }
        let kubectl = try #require(Tools.kubectl)
        let built = try runProcess(kubectl, ["kustomize", dir.path])
        try #require(built.status == 0, "\(built.stderr)")
        let builtFile = dir.appendingPathComponent("built.yaml")
        try built.stdout.write(to: builtFile)
        let validate = try #require(Tools.kubernetesValidate)
        let result = try runProcess(validate, ["--strict", "--quiet", "-k", KubernetesValidationTests.kubernetesVersion, builtFile.path])
        #expect(result.status == 0, "\(String(decoding: result.stdout, as: UTF8.self))\(result.stderr)")
    }

    @Test func kubernetesCoptsMapToThePodSpecOrWarn() throws {
        var ir = try GoldenIR.load("container")
        let flag = { (name: String, value: String?) in EngineFlag(engine: .kubernetes, name: name, value: value, location: .flag("--copt", "kubernetes.\(name)")) }
        ir.container!.engineFlags = [
            flag("serviceAccountName", "app-sa"), flag("priorityClassName", "high"), flag("imagePullPolicy", "Always"),
            flag("imagePullSecret", "regcred"), flag("nodeSelector.kubernetes.io/arch", "arm64"), flag("nodeSelector.kubernetes.io/arch", "amd64"),
            flag("hostNetwork", "true"), EngineFlag(engine: .podman, name: "shm-size", value: "1g", location: .flag("--copt", "podman.shm-size=1g")),
        ]
        let (model, d) = emit(ir)
        let pod = try #require(model?.deployment?.template.spec)
        #expect(pod.serviceAccountName == "app-sa" && pod.automountServiceAccountToken == nil)
        #expect(pod.priorityClassName == "high")
        #expect(pod.containers[0].imagePullPolicy == .always)
        #expect(pod.imagePullSecrets == ["regcred"])
        #expect(pod.nodeSelector.map { "\($0.0)=\($0.1)" } == ["kubernetes.io/arch=amd64"])
        #expect(d.warnings.map(\.id) == [KubernetesDiagnostics.podSettingRepeated, KubernetesDiagnostics.podSettingUnknown, KubernetesDiagnostics.engineFlag])
        #expect(d.warnings[1].location == .flag("--copt", "kubernetes.hostNetwork"))
        let yaml = String(decoding: try #require(KubernetesBackend.artifacts(for: ir, options: KubernetesGoldenTests.options, diagnostics: Diagnostics())?
            .first { $0.path == KubernetesBackend.FileName.deployment }.flatMap { if case .file(let b, _) = $0.content { b } else { nil } }), as: UTF8.self)
        #expect(yaml.contains("serviceAccountName: app-sa") && yaml.contains("kubernetes.io/arch: amd64") && yaml.contains("- name: regcred"), "\(yaml)")

        ir.container!.engineFlags = [flag("imagePullPolicy", "Sometimes")]
        #expect(emit(ir).1.errors.map(\.id) == [KubernetesDiagnostics.optionInvalid])
    }
}
