// swift-tools-version:6.0
import PackageDescription

// Swirl's state is owned by one libuv loop thread (docs/ARCHITECTURE.md), so
// overlapping accesses cannot happen at run time; the dynamic exclusivity
// checks cost a large share of the instructions of every command (measured
// with callgrind: swift_beginAccess and its bookkeeping were ~15% at -P 16).
// Static checks stay on. For the same reason reference counts need no atomic
// instructions: `-assume-single-threaded` makes retain/release plain increments
// (no Swift code runs on another thread: libuv's thread pool only runs its own
// C file operations on raw buffers, and their callbacks come back on the loop).
let loopOwned: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-assume-single-threaded"])]

// Lua's cjson and bit libraries from the distribution (lua-cjson-dev,
// lua-bitop-dev), linked statically: scripts reach them as globals, opened
// at start, never through `require` or a file, and the binary needs no
// extra runtime package.
let luaLibraries: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "-l:liblua5.1-cjson.a", "-Xlinker", "-l:liblua5.1-bitop.a"])]

let package = Package(
    name: "Swirl",
    products: [
        .executable(name: "swirl-server", targets: ["swirl-server"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLibUV",
            path: "CLibUV",
            pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]
        ),
        // Lua 5.1 for scripting (docs/ARCHITECTURE.md, Scripting): the distribution's,
        // the version Redis embeds.
        .systemLibrary(
            name: "CLua",
            path: "CLua",
            pkgConfig: "lua5.1",
            providers: [.apt(["liblua5.1-0-dev", "lua-cjson-dev", "lua-bitop-dev"])]
        ),
        // Counts glibc malloc's bytes for INFO used_memory and maxmemory (docs/ARCHITECTURE.md, Memory and eviction).
        .target(name: "CAllocCounter"),
        .target(name: "SwirlBytes", swiftSettings: loopOwned),
        .target(name: "RESP", dependencies: ["SwirlBytes"], swiftSettings: loopOwned),
        .target(name: "Keyspace", dependencies: ["SwirlBytes"], swiftSettings: loopOwned),
        .target(name: "Persistence", dependencies: ["SwirlBytes", "RESP", "Keyspace"], swiftSettings: loopOwned),
        .target(name: "Commands", dependencies: ["SwirlBytes", "RESP", "Keyspace", "Persistence", "CLua"], swiftSettings: loopOwned,
                linkerSettings: luaLibraries),
        .target(name: "Server", dependencies: ["SwirlBytes", "RESP", "Keyspace", "Commands", "Persistence", "CLibUV", "CAllocCounter"], swiftSettings: loopOwned),
        .executableTarget(name: "swirl-server", dependencies: ["Server"]),
        // The in-process fuzzer (docs/RELIABILITY.md): a library with the harness, an
        // executable that replays inputs, or runs libFuzzer when built by `make fuzz`.
        .target(name: "SwirlFuzz", dependencies: ["SwirlBytes", "RESP", "Keyspace", "Commands", "Persistence"]),
        .executableTarget(name: "swirl-fuzz", dependencies: ["SwirlFuzz", "Commands"]),
        .testTarget(name: "SwirlBytesTests", dependencies: ["SwirlBytes"]),
        .testTarget(name: "RESPTests", dependencies: ["SwirlBytes", "RESP"]),
        .testTarget(name: "KeyspaceTests", dependencies: ["SwirlBytes", "Keyspace"]),
        .testTarget(name: "PersistenceTests", dependencies: ["SwirlBytes", "RESP", "Keyspace", "Persistence"]),
        .testTarget(name: "CommandsTests", dependencies: ["SwirlBytes", "Commands", "Persistence", "RESP", "Keyspace"]),
        .testTarget(name: "FuzzTests", dependencies: ["SwirlFuzz"], exclude: ["corpus"]),
    ],
    swiftLanguageModes: [.v6]
)
