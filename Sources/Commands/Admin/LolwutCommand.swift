#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// LOLWUT: a picture and the version, as Redis answers. Swirl's picture is
/// its own: an Archimedean spiral (a swirl) plotted on a canvas of Braille
/// characters, each a 2×4 grid of dots, so a terminal shows a fine curve.
///
///     LOLWUT [VERSION v] [columns] [turns]
///
/// `columns` (1–1000, default 66) sets the width in characters, `turns`
/// (1–50, default 4) how often the spiral winds. Every version draws it.
enum LolwutCommand {
    static func specs() -> [CommandSpec] {
        [
            ServerCommands.group.command("lolwut", -1, [.readonly, .fast], syntax: "[VERSION version:integer]",
                                         "Display some computer art and the Redis version", since: "5.0.0", complexity: "",
                                         handler: lolwut),
        ]
    }

    static func lolwut(_ c: Client) {
        var numbers: [Int64] = []
        var index = 1
        while index < c.args.count {
            if c.argument(index, is: "VERSION"), index + 1 < c.args.count {
                guard c.integer(at: index + 1) != nil else { return }
                index += 2
                continue
            }
            guard let number = c.integer(at: index) else { return }
            numbers.append(number)
            index += 1
        }
        let columns = Int(min(1000, max(1, numbers.first ?? 66)))
        let turns = Int(min(50, max(1, numbers.count > 1 ? numbers[1] : 4)))
        var text = spiral(columns: columns, turns: turns)
        text += Array("\nA swirl, after Archimedes. Swirl ver. \(ServerInfo.swirlVersion), Redis ver. \(ServerInfo.redisVersion)\n".utf8)
        c.reply.verbatim(text)
    }

    /// The spiral r = a·θ over `turns` turns, filling a square of `columns`
    /// characters (half as many rows, since a character is twice as tall as wide).
    static func spiral(columns: Int, turns: Int) -> [UInt8] {
        let rows = max(1, columns / 2)
        var canvas = BrailleCanvas(width: columns * 2, height: rows * 4)
        let radius = Double(min(columns * 2, rows * 4)) / 2 - 1
        let centerX = Double(columns * 2) / 2, centerY = Double(rows * 4) / 2
        let end = 2 * Double.pi * Double(turns)
        // Small angle steps near the centre, where the curve is tight; steps of about half a dot farther out.
        var theta = 0.0
        while theta <= end {
            let r = radius * theta / end
            canvas.set(x: Int(centerX + r * cos(theta)), y: Int(centerY + r * sin(theta)))
            theta += max(0.002, 0.5 / max(r, 1))
        }
        return canvas.render()
    }
}

/// A bitmap drawn with Unicode Braille patterns (U+2800…U+28FF): each
/// character holds a 2-wide, 4-tall block of dots.
struct BrailleCanvas {
    let width: Int
    let height: Int
    private var dots: [Bool]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        dots = Array(repeating: false, count: width * height)
    }

    mutating func set(x: Int, y: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        dots[y * width + x] = true
    }

    /// Rows of characters, each line ending in a newline.
    func render() -> [UInt8] {
        // The bit of each dot within a cell, by (column, row): Unicode's Braille numbering.
        let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        var out: [UInt8] = []
        for cellY in stride(from: 0, to: height, by: 4) {
            for cellX in stride(from: 0, to: width, by: 2) {
                var pattern: UInt32 = 0
                for dx in 0..<2 {
                    for dy in 0..<4 where cellX + dx < width && cellY + dy < height && dots[(cellY + dy) * width + cellX + dx] {
                        pattern |= bits[dx][dy]
                    }
                }
                out += Array(String(Unicode.Scalar(0x2800 + pattern)!).utf8)
            }
            out.append(0x0a)
        }
        return out
    }
}
