// swift-tools-version:6.0
import PackageDescription

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
        .target(name: "RESP"),
        .target(name: "Keyspace"),
        .target(name: "Commands", dependencies: ["RESP", "Keyspace"]),
        .target(name: "Persistence", dependencies: ["RESP", "Keyspace", "Commands"]),
        .target(name: "Server", dependencies: ["RESP", "Keyspace", "Commands", "Persistence", "CLibUV"]),
        .executableTarget(name: "swirl-server", dependencies: ["Server"]),
        .testTarget(name: "RESPTests", dependencies: ["RESP"]),
        .testTarget(name: "KeyspaceTests", dependencies: ["Keyspace"]),
        .testTarget(name: "CommandsTests", dependencies: ["Commands", "Persistence", "RESP", "Keyspace"]),
    ],
    swiftLanguageModes: [.v6]
)
