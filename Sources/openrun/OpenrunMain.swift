import OpenrunCLI

@main
struct OpenrunMain {
    static func main() async {
        InterruptCleanup.install()
        await OpenrunCommand.mainWithVersion()
    }
}
