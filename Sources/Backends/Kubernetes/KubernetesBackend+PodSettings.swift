import IR

extension KubernetesBackend {
    /// The `--copt kubernetes.X=V` settings with a clear pod-spec meaning.
    static let podSettings = ["serviceAccountName", "priorityClassName", "imagePullPolicy", "imagePullSecret", "nodeSelector.<label>"]

    /// Maps one `--copt kubernetes.X=V` onto the pod spec; anything else is a located warning.
    static func applyPodSetting(_ flag: EngineFlag, to pod: inout PodSpec, main: inout Container, diagnostics: Diagnostics) {
        guard let value = flag.value, !value.isEmpty else {
            diagnostics.error(KubernetesDiagnostics.optionInvalid, "--copt kubernetes.\(flag.name) needs a value: --copt kubernetes.\(flag.name)=VALUE", at: flag.location)
            return
        }
        switch flag.name {
        case "serviceAccountName":
            pod.serviceAccountName = value
            // An app given a service account wants to use it: mount its token.
            pod.automountServiceAccountToken = nil
        case "priorityClassName":
            pod.priorityClassName = value
        case "imagePullPolicy":
            guard let policy = Container.PullPolicy(rawValue: value) else {
                diagnostics.error(KubernetesDiagnostics.optionInvalid, "imagePullPolicy is Always, IfNotPresent or Never, got \"\(value)\"", at: flag.location)
                return
            }
            main.imagePullPolicy = policy
        case "imagePullSecret":
            if !pod.imagePullSecrets.contains(value) { pod.imagePullSecrets.append(value) }
        case let name where name.hasPrefix("nodeSelector.") && name.count > "nodeSelector.".count:
            let key = String(name.dropFirst("nodeSelector.".count))
            if let i = pod.nodeSelector.firstIndex(where: { $0.0 == key }) {
                diagnostics.warning(KubernetesDiagnostics.podSettingRepeated, "nodeSelector \(key) is set twice; the last value wins", at: flag.location)
                pod.nodeSelector[i].1 = value
            } else {
                pod.nodeSelector.append((key, value))
            }
        default:
            diagnostics.warning(KubernetesDiagnostics.podSettingUnknown,
                                "--copt kubernetes.\(flag.name) has no clear place in the pod spec and is ignored; known: \(podSettings.joined(separator: ", "))",
                                at: flag.location)
        }
    }
}
