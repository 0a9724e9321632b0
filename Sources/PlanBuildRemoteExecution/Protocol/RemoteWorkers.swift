// Messages of the protobuf package `google.devtools.remoteworkers.v1test2` (the Remote Workers
// API a bot speaks to the server): BotSession, Lease, Worker, Device and the two requests.

/// `BotStatus`; values a newer server names still decode.
package struct BotStatus: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let unspecified = BotStatus(rawValue: 0)
    package static let ok = BotStatus(rawValue: 1)
    package static let unhealthy = BotStatus(rawValue: 2)
    package static let hostRebooting = BotStatus(rawValue: 3)
    package static let botTerminating = BotStatus(rawValue: 4)
    package static let initializing = BotStatus(rawValue: 5)
}

/// `LeaseState` (3 is not used by the API); values a newer server names still decode.
package struct LeaseState: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let unspecified = LeaseState(rawValue: 0)
    package static let pending = LeaseState(rawValue: 1)
    package static let active = LeaseState(rawValue: 2)
    package static let completed = LeaseState(rawValue: 4)
    package static let cancelled = LeaseState(rawValue: 5)
}

/// A bot's time in contact with the server: its status, its worker and its leases.
package struct BotSession: ProtoMessage {
    package static let protoName = "google.devtools.remoteworkers.v1test2.BotSession"
    /// Chosen by the server in CreateBotSession.
    package var name = ""
    package var botId = ""
    package var status = BotStatus.unspecified
    package var worker: Worker?
    package var leases: [Lease] = []
    package var expireTime: ProtoTimestamp?
    package var version = ""

    package init() {}

    package init(name: String = "", botId: String, status: BotStatus, worker: Worker? = nil, leases: [Lease] = [],
                 version: String = "") {
        self.name = name
        self.botId = botId
        self.status = status
        self.worker = worker
        self.leases = leases
        self.version = version
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: name = try reader.string()
            case 2: botId = try reader.string()
            case 3: status = BotStatus(rawValue: try reader.int32())
            case 4: worker = try reader.message()
            case 5: leases.append(try reader.message())
            case 6: expireTime = try reader.message()
            case 7: version = try reader.string()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, name)
        writer.string(2, botId)
        writer.int32(3, status.rawValue)
        writer.message(4, worker)
        writer.messages(5, leases)
        writer.message(6, expireTime)
        writer.string(7, version)
    }
}

/// Work the server gave a bot (an `Action` in `payload` for REAPI servers) and the bot's answer.
package struct Lease: ProtoMessage {
    package static let protoName = "google.devtools.remoteworkers.v1test2.Lease"
    package var id = ""
    package var payload: ProtoAny?
    package var result: ProtoAny?
    package var state = LeaseState.unspecified
    package var status: RpcStatus?

    package init() {}

    package init(id: String, payload: ProtoAny? = nil, result: ProtoAny? = nil, state: LeaseState, status: RpcStatus? = nil) {
        self.id = id
        self.payload = payload
        self.result = result
        self.state = state
        self.status = status
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 2: state = LeaseState(rawValue: try reader.int32())
            case 3: status = try reader.message()
            case 7: id = try reader.string()
            case 8: payload = try reader.message()
            case 9: result = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.int32(2, state.rawValue)
        writer.message(3, status)
        writer.string(7, id)
        writer.message(8, payload)
        writer.message(9, result)
    }
}

/// The machine a bot runs on: its devices and its properties.
package struct Worker: ProtoMessage {
    package static let protoName = "google.devtools.remoteworkers.v1test2.Worker"

    /// A property of the whole worker (`Worker.Property`).
    package typealias Property = KeyValue
    /// A setting of the worker (`Worker.Config`, the same fields); BuildGrid reads `capacity`,
    /// the leases the bot takes at once.
    package typealias Config = KeyValue

    /// The first is the primary device, the one that runs the bot.
    package var devices: [Device] = []
    package var properties: [Property] = []
    package var configs: [Config] = []

    package init() {}

    package init(devices: [Device] = [], properties: [Property] = [], configs: [Config] = []) {
        self.devices = devices
        self.properties = properties
        self.configs = configs
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: devices.append(try reader.message())
            case 2: properties.append(try reader.message())
            case 3: configs.append(try reader.message())
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.messages(1, devices)
        writer.messages(2, properties)
        writer.messages(3, configs)
    }
}

package struct Device: ProtoMessage {
    package static let protoName = "google.devtools.remoteworkers.v1test2.Device"

    /// A property of one device (`Device.Property`, the same fields as `Worker.Property`).
    package typealias Property = KeyValue

    package var handle = ""
    package var properties: [Property] = []

    package init() {}

    package init(handle: String, properties: [Property] = []) {
        self.handle = handle
        self.properties = properties
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: handle = try reader.string()
            case 2: properties.append(try reader.message())
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, handle)
        writer.messages(2, properties)
    }
}

package struct CreateBotSessionRequest: ProtoMessage {
    package static let protoName = "google.devtools.remoteworkers.v1test2.CreateBotSessionRequest"
    /// The farm: for BuildGrid, the instance name.
    package var parent = ""
    package var botSession = BotSession()

    package init() {}

    package init(parent: String, botSession: BotSession) {
        self.parent = parent
        self.botSession = botSession
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: parent = try reader.string()
            case 2: botSession = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, parent)
        writer.message(2, botSession)
    }
}

package struct UpdateBotSessionRequest: ProtoMessage {
    package static let protoName = "google.devtools.remoteworkers.v1test2.UpdateBotSessionRequest"
    package var name = ""
    package var botSession = BotSession()

    package init() {}

    package init(name: String, botSession: BotSession) {
        self.name = name
        self.botSession = botSession
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: name = try reader.string()
            case 2: botSession = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, name)
        writer.message(2, botSession)
    }
}

/// A key and a value: the fields of `Worker.Property` and of `Device.Property`, which have the
/// same numbers and types.
package struct KeyValue: ProtoMessage, Hashable {
    package static let protoName = "google.devtools.remoteworkers.v1test2.Worker.Property"
    package var key = ""
    package var value = ""

    package init() {}

    package init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: key = try reader.string()
            case 2: value = try reader.string()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, key)
        writer.string(2, value)
    }
}
