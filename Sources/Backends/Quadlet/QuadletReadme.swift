/// The `README` of `dist/quadlet/<slug>/`: how to install and start the units.
enum QuadletReadme {
    static func render(_ m: QuadletBackend.Model) -> String {
        var s = "openrun app \(UnitRenderer.oneLine(m.appName)): Podman quadlet units (Podman >= 5.2, systemd)\n\n"
        guard let start = m.startUnit else {
            return s + "This app runs no container, so there is nothing to install (see the build's warnings).\n"
        }
        let dir = "/etc/containers/systemd/\(m.slug)"
        s += "Install as root (rootless: ~/.config/containers/systemd/\(m.slug) and ~/.config/systemd/user,\nwith systemctl --user):\n\n"
        s += "1. Copy the units:\n\n"
        s += "     mkdir -p \(dir)\n"
        let quadletTop = Array(Set(m.quadletFiles.map { $0.split(separator: "/").first.map(String.init) ?? $0 })).sorted()
        s += "     cp -r \(quadletTop.joined(separator: " ")) \(dir)/\n"
        if !m.systemdFiles.isEmpty {
            s += "     cp \(m.systemdFiles.joined(separator: " ")) /etc/systemd/system/\n"
        }
        if m.secrets.isEmpty {
            s += "\n2. Secrets: none.\n"
        } else {
            s += "\n2. Create the Podman secrets (values never appear in these files):\n\n"
            for sec in m.secrets {
                s += "     # \(UnitRenderer.oneLine(sec.holds))\n"
                if let cmd = sec.command {
                    s += "     \(cmd) | podman secret create \(sec.name) -\n"
                } else {
                    s += "     printf '%s' \"$VALUE\" | podman secret create \(sec.name) -\n"
                }
            }
        }
        s += "\n3. Start:\n\n     systemctl daemon-reload && systemctl start \(start)\n"
        if start.hasSuffix(".socket") {
            s += "\nThe socket listens now; the first connection starts the container (building its image\nthe first time) and idleness stops it again. Enable at boot: systemctl enable \(start).\n"
            s += "The proxy waits for the app's health path with curl, which the host needs.\n"
        }
        if let url = m.url { s += "\nThe app answers at \(url)\n" }
        return s
    }
}
