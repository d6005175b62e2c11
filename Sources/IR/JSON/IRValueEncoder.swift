/// Encodes any `Encodable` into an `IRValue` tree, the IR's own JSON model.
///
/// Unlike `JSONEncoder` it keeps what the IR needs lossless: the keys of a
/// Swift type's own fields are sorted (deterministic output), while an
/// `IRValue.dict` keeps its entries in their order; floats stay floats (`2.0`)
/// and big integers stay numbers. `IRValueDecoder` reads the tree back.
package struct IRValueEncoder {
    package init() {}

    package func encode<T: Encodable>(_ value: T) throws -> IRValue {
        let box = EncodingBox(codingPath: [])
        try value.encode(to: box)
        return box.result
    }
}

/// One node being encoded: either a finished value or a container filled in place.
final class EncodingBox: Encoder {
    enum Storage {
        case empty
        case value(IRValue)
        case keyed([String: EncodingBox])
        case unkeyed([EncodingBox])
        /// An `IRValue` that encodes itself: kept as is.
        case verbatim(IRValue)
    }

    var storage: Storage = .empty
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    var result: IRValue {
        switch storage {
        case .empty: return .dict([])
        case .value(let v), .verbatim(let v): return v
        case .keyed(let fields):
            return .dict(fields.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { IRValue.Entry($0, fields[$0]!.result) })
        case .unkeyed(let items): return .list(items.map(\.result))
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed = storage {} else { storage = .keyed([:]) }
        return KeyedEncodingContainer(KeyedBox<Key>(box: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = storage {} else { storage = .unkeyed([]) }
        return UnkeyedBox(box: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleBox(box: self) }

    func child(_ key: any CodingKey) -> EncodingBox {
        EncodingBox(codingPath: codingPath + [key])
    }

    func encodeChild<T: Encodable>(_ value: T, key: any CodingKey) throws -> EncodingBox {
        let c = child(key)
        if let v = value as? IRValue {
            c.storage = .verbatim(v)
        } else {
            try value.encode(to: c)
        }
        return c
    }

    struct KeyedBox<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: EncodingBox
        var codingPath: [any CodingKey] { box.codingPath }

        func set(_ key: Key, _ child: EncodingBox) {
            guard case .keyed(var fields) = box.storage else { return }
            fields[key.stringValue] = child
            box.storage = .keyed(fields)
        }

        mutating func encodeNil(forKey key: Key) throws {
            let c = box.child(key)
            c.storage = .value(.null)
            set(key, c)
        }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            set(key, try box.encodeChild(value, key: key))
        }
        // Optionals that are nil are left out, as JSONEncoder does.
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let c = box.child(key)
            set(key, c)
            return c.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let c = box.child(key)
            set(key, c)
            return c.unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { box }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let c = box.child(key)
            set(key, c)
            return c
        }
    }

    struct IndexKey: CodingKey {
        var stringValue: String { String(intValue!) }
        var intValue: Int?
        init(_ i: Int) { intValue = i }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    struct UnkeyedBox: UnkeyedEncodingContainer {
        let box: EncodingBox
        var codingPath: [any CodingKey] { box.codingPath }
        var count: Int {
            if case .unkeyed(let items) = box.storage { return items.count }
            return 0
        }

        func append(_ child: EncodingBox) {
            guard case .unkeyed(var items) = box.storage else { return }
            items.append(child)
            box.storage = .unkeyed(items)
        }

        mutating func encodeNil() throws {
            let c = box.child(IndexKey(count))
            c.storage = .value(.null)
            append(c)
        }
        mutating func encode<T: Encodable>(_ value: T) throws {
            append(try box.encodeChild(value, key: IndexKey(count)))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let c = box.child(IndexKey(count))
            append(c)
            return c.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let c = box.child(IndexKey(count))
            append(c)
            return c.unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder {
            let c = box.child(IndexKey(count))
            append(c)
            return c
        }
    }

    struct SingleBox: SingleValueEncodingContainer {
        let box: EncodingBox
        var codingPath: [any CodingKey] { box.codingPath }
        mutating func encodeNil() throws { box.storage = .value(.null) }
        mutating func encode(_ value: Bool) throws { box.storage = .value(.bool(value)) }
        mutating func encode(_ value: String) throws { box.storage = .value(.string(value)) }
        mutating func encode(_ value: Double) throws { box.storage = .value(.float(value)) }
        mutating func encode(_ value: Float) throws { box.storage = .value(.float(Double(value))) }
        mutating func encode(_ value: Int) throws { box.storage = .value(.int(value)) }
        mutating func encode(_ value: Int8) throws { box.storage = .value(.int(Int(value))) }
        mutating func encode(_ value: Int16) throws { box.storage = .value(.int(Int(value))) }
        mutating func encode(_ value: Int32) throws { box.storage = .value(.int(Int(value))) }
        mutating func encode(_ value: Int64) throws { box.storage = .value(.int(Int(value))) }
        mutating func encode(_ value: UInt) throws { box.storage = .value(Int(exactly: value).map(IRValue.int) ?? .bigInt(String(value))) }
        mutating func encode(_ value: UInt8) throws { box.storage = .value(.int(Int(value))) }
        mutating func encode(_ value: UInt16) throws { box.storage = .value(.int(Int(value))) }
        mutating func encode(_ value: UInt32) throws { box.storage = .value(.int(Int(value))) }
        mutating func encode(_ value: UInt64) throws { box.storage = .value(Int(exactly: value).map(IRValue.int) ?? .bigInt(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            if let v = value as? IRValue {
                box.storage = .verbatim(v)
            } else {
                try value.encode(to: box)
            }
        }
    }
}
