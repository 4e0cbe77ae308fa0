export { findBridgePath, type LoadedBridge, loadBridge } from './load';
export { type BridgeLocationOptions, bridgeCandidates, defaultBridgePaths } from './locate';
export { materializeBridgeTokens } from './materialize';
export {
  type BridgeContent,
  bridgeTimestamp,
  removeBridge,
  serializeBridge,
  writeBridge,
} from './write';
