// Every SDK call copies its client's resolved config several times ({...config} in the endpoint, serde
// and signing middleware). That config is in V8's dictionary mode (the SigV4 resolver defines
// `credentials` on it as an accessor), and a copy of it took ~15 µs against ~1 µs for an object with
// fast properties: about a tenth of the CPU of a 1,000-role revoke, whose client is CPU-bound.
//
// V8 turns a dictionary-mode object back into one with fast properties when it serves as a prototype
// in a property load that has collected feedback (it "makes prototypes fast"); the loads below warm
// one up. The object keeps its identity, properties and accessor: the middleware holds this very object.
// Should a V8 not do this, nothing changes but the speed (test/aws/fast-config.test.ts checks Node's).

/** Loads enough for V8 to allocate the load's feedback (it does so lazily, after a budget of work). */
const WARM_LOADS = 2000

export function withFastConfig<C extends {config: object}>(client: C): C {
  const heir = Object.create(client.config) as {region?: unknown}
  for (let i = 0; i < WARM_LOADS; i++) void heir.region
  return client
}
