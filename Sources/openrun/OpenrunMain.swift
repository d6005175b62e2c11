import OpenrunCLI

@main
struct OpenrunMain {
    static func main() async {
        await OpenrunCommand.main()
    }
}
