import RESP
import SwirlBytes

/// Where the frames of a batch of commands can be copied from: a connection's
/// decoder, which keeps them in place until its next read is appended.
public protocol ReceivedFrames: AnyObject {
    /// Appends the received bytes at stream offsets `frames` to `buffer`.
    func copyFrames(_ frames: Range<Int>, into buffer: inout [UInt8])
}

/// The AOF stream: what each change appends, in order.
///
/// A command whose frame arrived in canonical form is logged as those bytes.
/// Consecutive frames of one batch (a pipeline) are not copied one by one:
/// `pendingFrames` grows to cover them, and one copy takes the whole run when
/// something else must follow it (a SELECT, an encoded command), when the
/// buffer is read, or when the batch ends (`endInput`). A copy per command
/// cost ~180 instructions, most of them `Array.append`'s fixed cost.
///
/// Invariant: `aofOffset` = bytes ever appended to `aofBytes` + `pendingFrames.count`.
extension Engine {
    /// The AOF stream not yet handed to the writer, the pending run included.
    public var aofBuffer: [UInt8] {
        get {
            flushPendingFrames()
            return aofBytes
        }
        set {
            flushPendingFrames()
            aofBytes = newValue
        }
    }

    /// Appends a command to the AOF stream, preceded by SELECT when the database changes.
    /// `frame`, when given, holds the stream offsets of `args` as the client sent them, in
    /// `inputSource`: only commands run between `beginInput(from:)` and `endInput` have one.
    public func propagate(db: Int, _ args: [Bytes], receivedAs frame: Range<Int>? = nil) {
        guard propagating else { return }
        if transactionPropagation != nil {
            transactionPropagation!.append((db, args))
            return
        }
        if db != aofSelectedDB {
            append(["SELECT", ByteNumbers.decimal(Int64(db))])
            aofSelectedDB = db
        }
        // Not `inputSource != nil`: that load retains it, a third of this path's cost.
        guard let frame else {
            append(args)
            return
        }
        if let run = pendingFrames, run.upperBound == frame.lowerBound {
            pendingFrames = run.lowerBound..<frame.upperBound
        } else {
            flushPendingFrames()
            pendingFrames = frame
        }
        aofOffset += frame.count
    }

    /// Copies the pending run of frames into the AOF buffer.
    func flushPendingFrames() {
        guard let run = pendingFrames else { return }
        pendingFrames = nil
        inputSource!.copyFrames(run, into: &aofBytes)
    }

    private func append(_ args: [Bytes]) {
        flushPendingFrames()
        let before = aofBytes.count
        CommandEncoder.append(args, to: &aofBytes)
        aofOffset += aofBytes.count - before
    }

    /// Forget which database the AOF stream last selected (a new AOF file starts).
    public func resetAOFSelection() {
        aofSelectedDB = -1
    }
}
