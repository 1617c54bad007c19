fn main() -> std::process::ExitCode {
    mikronet::cli::main()
}
