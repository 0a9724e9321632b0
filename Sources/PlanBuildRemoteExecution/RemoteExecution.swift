/// Builds on a Remote Execution API (REAPI v2) cluster. The folders say the parts:
/// `Protocol/` the messages and their wire format, `Transport/` gRPC over the remote plugin,
/// `Client/` a module build as an action (input root, command, outputs) and its result,
/// `Worker/` the Remote Workers API bot that runs actions for the cluster.
public enum RemoteExecution {}
