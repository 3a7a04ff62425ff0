#if canImport(Glibc)
import Glibc
#endif
import Commands
import SwirlFuzz

// `swirl-fuzz --dictionary` prints the libFuzzer dictionary generated from the
// command table (`make fuzz` writes it before each run).
if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == "--dictionary" {
    print(FuzzDictionary.text(Engine()), terminator: "")
    exit(0)
}

#if SWIRL_LIBFUZZER
// Built by `make fuzz` with -sanitize=fuzzer: libFuzzer's own driver runs the
// fuzzing loop (its flags are the command line) and calls back for each input.
// Its `main` is not used because SwiftPM links this file's as the entry point.
typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
typealias Arguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<Arguments>, _ callback: FuzzCallback) -> Int32

/// The fuzz target proper; libFuzzer's `main` (linked in but unused) also expects the symbol.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzSession.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

var argc = CommandLine.argc
var argv: Arguments = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, fuzzOneInput))
#else
// A plain build replays files (or directories of them) through the same
// entry point: a crash found by the fuzzer reproduces here, under a debugger.
let paths = CommandLine.arguments.dropFirst()
if paths.isEmpty {
    print("usage: swirl-fuzz FILE|DIR ...   (replays inputs; `make fuzz` builds the fuzzer)")
    print("       swirl-fuzz --dictionary")
    exit(2)
}
var count = 0
for path in CorpusReplay.files(in: Array(paths)) {
    guard let input = CorpusReplay.contents(of: path) else {
        print("cannot read \(path)")
        exit(1)
    }
    FuzzSession.run(input)
    count += 1
}
print("replayed \(count) inputs")
#endif
