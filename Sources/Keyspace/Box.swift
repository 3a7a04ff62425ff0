/// A value behind one reference. A small collection holds its large form as a
/// `Box?`: one nil reference (8 bytes) instead of a table's fields inline, so
/// the object of a small hash or set fits a smaller heap block.
final class Box<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}
