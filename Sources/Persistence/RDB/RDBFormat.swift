/// The numbers of RDB version 10 (Redis 7.0): value types and opcodes.
public enum RDBFormat {
    public static let version: UInt16 = 10

    // Value types.
    static let string: UInt8 = 0
    static let listLinked: UInt8 = 1
    static let set: UInt8 = 2
    static let zsetText: UInt8 = 3
    static let hash: UInt8 = 4
    static let zsetBinary: UInt8 = 5
    static let moduleOld: UInt8 = 6
    static let module: UInt8 = 7
    static let hashZipmap: UInt8 = 9
    static let listZiplist: UInt8 = 10
    static let setIntset: UInt8 = 11
    static let zsetZiplist: UInt8 = 12
    static let hashZiplist: UInt8 = 13
    static let listQuicklist: UInt8 = 14
    static let streamListpacks: UInt8 = 15
    static let hashListpack: UInt8 = 16
    static let zsetListpack: UInt8 = 17
    static let listQuicklist2: UInt8 = 18
    static let streamListpacks2: UInt8 = 19
    static let setListpack: UInt8 = 20
    static let streamListpacks3: UInt8 = 21

    // Opcodes.
    static let function2: UInt8 = 0xF5
    static let function: UInt8 = 0xF6
    static let moduleAux: UInt8 = 0xF7
    static let idle: UInt8 = 0xF8
    static let frequency: UInt8 = 0xF9
    static let aux: UInt8 = 0xFA
    static let resizeDB: UInt8 = 0xFB
    static let expireMilliseconds: UInt8 = 0xFC
    static let expireSeconds: UInt8 = 0xFD
    static let selectDB: UInt8 = 0xFE
    static let eof: UInt8 = 0xFF

    // Quicklist node containers.
    static let plainNode = 1
    static let packedNode = 2

    /// A list node's listpack is closed once it reaches this size (Redis's
    /// default `list-max-listpack-size -2`: 8 KB).
    static let listNodeBytes = 8192
    /// An element this long goes in a node of its own, unpacked (Redis's packed_threshold).
    static let plainElementBytes = 1 << 30
}
