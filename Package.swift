// swift-tools-version:6.0
import PackageDescription

// Swirl's state is owned by one libuv loop thread (docs/ARCHITECTURE.md), so
// overlapping accesses cannot happen at run time; the dynamic exclusivity
// checks cost a large share of the instructions of every command (measured
// with callgrind: swift_beginAccess and its bookkeeping were ~15% at -P 16).
// Static checks stay on.
let loopOwned: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

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
        .target(name: "RESP", swiftSettings: loopOwned),
        .target(name: "Keyspace", swiftSettings: loopOwned),
        .target(name: "Commands", dependencies: ["RESP", "Keyspace"], swiftSettings: loopOwned),
        .target(name: "Persistence", dependencies: ["RESP", "Keyspace", "Commands"], swiftSettings: loopOwned),
        .target(name: "Server", dependencies: ["RESP", "Keyspace", "Commands", "Persistence", "CLibUV"], swiftSettings: loopOwned),
        .executableTarget(name: "swirl-server", dependencies: ["Server"]),
        .testTarget(name: "RESPTests", dependencies: ["RESP"]),
        .testTarget(name: "KeyspaceTests", dependencies: ["Keyspace"]),
        .testTarget(name: "CommandsTests", dependencies: ["Commands", "Persistence", "RESP", "Keyspace"]),
    ],
    swiftLanguageModes: [.v6]
)
