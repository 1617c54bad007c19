/// mimalloc rather than the C library's allocator: a request allocates and frees a few hundred
/// small blocks, and glibc's malloc and free were a sixth of the instructions of a
/// `/client/{id}/details` answer (README, Benchmarks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mikronet::cli::main()
}
