// Generates fixtures/icure/ with the real iCure SDKs' own crypto code and no
// server: an in-memory stand-in answers the few data-owner calls the SDK's
// crypto makes (FORMAT-NOTES part D). Keys, IVs and UUIDs are random, so every
// run gives new, equally valid data: commit the output.
//
//   cd scripts/icure-vectors && npm ci && node generate.mjs [OUT_DIR]
//   node generate.mjs --read-back DIR   # the SDK reads what ehrcrypt wrote
//
// SPDX-License-Identifier: MIT OR Apache-2.0
import { createRequire } from 'node:module'
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))

// @icure/api 4.x keeps keys in the browser's localStorage: give Node one.
const lsData = new Map()
globalThis.localStorage = {
  getItem: (k) => (lsData.has(k) ? lsData.get(k) : null),
  setItem: (k, v) => lsData.set(k, String(v)),
  removeItem: (k) => lsData.delete(k),
}
globalThis.Storage = class Storage {}

const VERSIONS = [
  { pkg: 'icure-api-4', name: 'icure-api-4.2.39', major: 4 },
  { pkg: 'icure-api-5', name: 'icure-api-5.3.18', major: 5 },
  { pkg: 'icure-api-6', name: 'icure-api-6.4.4', major: 6 },
]

const A = 'hcp-a'
const B = 'hcp-b'
const P = 'patient-p'
const PATIENT_ID = '1234'
const CONTACT_ID = '4567'
const HE_ID = '7890'

const clone = (x) => JSON.parse(JSON.stringify(x))
const fp = (pubHex) => pubHex.slice(-32)

/** The in-memory server: data owner documents and the views the SDK reads. */
class Server {
  constructor() {
    this.hcps = new Map()
    this.patients = new Map()
  }
  all() {
    return [...this.hcps.values(), ...this.patients.values()]
  }
  /** GET /hcparty/{R}/keys (4.x): { D: hcPartyKeys[R][1] }. */
  keysForDelegate(r) {
    const out = {}
    for (const d of this.all()) {
      const e = (d.hcPartyKeys || {})[r]
      if (e) out[d.id] = e[1]
    }
    return out
  }
  /** GET /hcparty/{R}/aesExchangeKeys (5.x/6.x): by_delegate_aes_exchange_keys. */
  aesKeysForDelegate(r) {
    const out = {}
    for (const d of this.all()) {
      const m = {}
      for (const [pub, byDelegate] of Object.entries(d.aesExchangeKeys || {})) {
        if (byDelegate[r]) m[fp(pub)] = clone(byDelegate[r])
      }
      if (d.publicKey && !(d.aesExchangeKeys || {})[d.publicKey] && (d.hcPartyKeys || {})[r]) {
        m[fp(d.publicKey)] = { '': d.hcPartyKeys[r][1] }
      }
      if (Object.keys(m).length) out[d.id] = m
    }
    return out
  }
  put(map, doc) {
    const stored = clone(doc)
    const prev = map.get(stored.id)
    stored.rev = `${(prev ? parseInt(prev.rev) : 0) + 1}-x`
    map.set(stored.id, stored)
    return clone(stored)
  }
  get(map, id) {
    const d = map.get(id)
    return d ? Promise.resolve(clone(d)) : Promise.reject(new Error(`404 ${id}`))
  }
  baseApis() {
    const s = this
    const hcpartyBaseApi = {
      getHealthcareParty: (id) => s.get(s.hcps, id),
      modifyHealthcareParty: async (h) => s.put(s.hcps, h),
      getHcPartyKeysForDelegate: async (id) => s.keysForDelegate(id),
      getAesExchangeKeysForDelegate: async (id) => s.aesKeysForDelegate(id),
    }
    const patientBaseApi = {
      getPatient: (id) => s.get(s.patients, id),
      modifyPatient: async (p) => s.put(s.patients, p),
      getPatientHcPartyKeysForDelegate: async (id) => s.keysForDelegate(id),
      getPatientAesExchangeKeysForDelegate: async (id) => s.aesKeysForDelegate(id),
    }
    const deviceBaseApi = {
      getDevice: (id) => Promise.reject(new Error(`404 device ${id}`)),
      getDeviceAesExchangeKeysForDelegate: async () => ({}),
    }
    return { hcpartyBaseApi, patientBaseApi, deviceBaseApi }
  }
}

/** One data owner's view of the SDK: its own crypto instance and key storage. */
function sdkFor(v, server, storage) {
  const api = require(v.pkg)
  const { hcpartyBaseApi, patientBaseApi, deviceBaseApi } = server.baseApis()
  let crypto
  if (v.major === 4) {
    crypto = new api.IccCryptoXApi('http://none', {}, hcpartyBaseApi, patientBaseApi, deviceBaseApi, globalThis.crypto)
  } else {
    const facade = {
      getItem: async (k) => (storage.has(k) ? storage.get(k) : undefined),
      setItem: async (k, x) => void storage.set(k, x),
      removeItem: async (k) => void storage.delete(k),
    }
    crypto = new api.IccCryptoXApi(
      'http://none',
      {},
      hcpartyBaseApi,
      patientBaseApi,
      deviceBaseApi,
      globalThis.crypto,
      facade,
      new api.KeyStorageImpl(facade)
    )
  }
  const { IccDataOwnerXApi } = require(`${v.pkg}/icc-x-api/icc-data-owner-x-api`)
  const dataOwnerApi = new IccDataOwnerXApi(crypto, patientBaseApi)
  const contactApi = new api.IccContactXApi('http://none', {}, crypto, dataOwnerApi)
  const helementApi = new api.IccHelementXApi('http://none', {}, crypto, dataOwnerApi)
  const patientApi = new api.IccPatientXApi(
    'http://none',
    {},
    crypto,
    contactApi,
    null,
    helementApi,
    null,
    null,
    // The healthcare-party hierarchy: no parentId here, so each hcp alone.
    { getHealthcarePartyHierarchyIds: async (id) => [id] },
    null,
    dataOwnerApi,
    null
  )
  return { api, crypto, contactApi, helementApi, patientApi }
}

async function newKeyPair(sdk) {
  const { crypto, api } = sdk
  const kp = await crypto.RSA.generateKeyPair()
  const pub = api.ua2hex(await crypto.RSA.exportKey(kp.publicKey, 'spki'))
  const priv = api.ua2hex(await crypto.RSA.exportKey(kp.privateKey, 'pkcs8'))
  return { pub, priv }
}

const PLAIN = {
  patient: {
    id: PATIENT_ID,
    firstName: 'Jeanne',
    lastName: 'Dupont',
    gender: 'female',
    dateOfBirth: 19700412,
    note: 'Allergic to penicillin. Prefers morning appointments — née Müller.',
  },
  contact: {
    id: CONTACT_ID,
    descr: 'Consultation for persistent cough',
    services: [
      { id: 'svc-1', label: 'diagnosis', content: { en: { stringValue: 'Acute bronchitis' } } },
      { id: 'svc-2', label: 'weight', content: { en: { measureValue: { value: 64.5, unit: 'kg' } } } },
    ],
  },
  healthElement: { id: HE_ID, descr: 'Asthma since childhood', note: 'Uses salbutamol on demand' },
}

async function legacy(v, outDir) {
  const server = new Server()
  const storages = { [A]: new Map(), [B]: new Map(), [P]: new Map() }
  const sdks = {}
  const keys = {}
  for (const who of [A, B, P]) {
    sdks[who] = sdkFor(v, server, storages[who])
    keys[who] = await newKeyPair(sdks[who])
  }
  server.put(server.hcps, { id: A, name: 'Dr Alice Martin', firstName: 'Alice', lastName: 'Martin', publicKey: keys[A].pub, hcPartyKeys: {} })
  server.put(server.hcps, { id: B, name: 'Dr Bob Leroy', firstName: 'Bob', lastName: 'Leroy', publicKey: keys[B].pub, hcPartyKeys: {} })
  server.put(server.patients, { id: P, firstName: 'Jeanne', lastName: 'Dupont', publicKey: keys[P].pub, hcPartyKeys: {} })
  for (const who of [A, B, P]) {
    await sdks[who].crypto.loadKeyPairsAsTextInBrowserLocalStorage(who, sdks[who].api.hex2ua(keys[who].priv))
  }
  const sdkStorage = {}
  for (const who of [A, B, P]) {
    const entries = v.major === 4 ? [...lsData.entries()].filter(([k]) => k === `org.taktik.icure.rsa.${who}`) : [...storages[who].entries()]
    for (const [k, x] of entries) sdkStorage[k] = JSON.parse(x)
  }

  const userA = { id: 'user-a', healthcarePartyId: A }
  const a = sdks[A]
  // Patient 1234, created by A and shared with B.
  let patient = await a.patientApi.newInstance(userA, clone(PLAIN.patient), [B])
  ;[patient] = await a.patientApi.encrypt(userA, [patient])
  patient = server.put(server.patients, patient)
  // Contact 4567 of patient 1234, shared with B.
  let contact = await a.contactApi.newInstance(userA, patient, clone(PLAIN.contact), false, [B])
  ;[contact] = await a.contactApi.encrypt(userA, [contact])
  // Health element of patient 1234, shared with B.
  let he = await a.helementApi.newInstance(userA, patient, clone(PLAIN.healthElement), false, [B])
  ;[he] = await a.helementApi.encrypt(userA, [he])

  // A adds the patient P to its own record, with the low-level call the
  // SDK's share feature makes (addDelegationsAndEncryptionKeys).
  patient = await shareLegacy(a, A, P, patient)
  patient = server.put(server.patients, patient)

  // Every party reads back with its own SDK instance.
  const readBack = {}
  for (const [who, user] of [
    [A, userA],
    [B, { id: 'user-b', healthcarePartyId: B }],
    [P, { id: 'user-p', patientId: P }],
  ]) {
    const s = sdks[who]
    const [pt] = await s.patientApi.decrypt(user, [clone(patient)])
    readBack[who] = { patientNote: pt.note ?? null }
    if (who !== P) {
      const [ct] = await s.contactApi.decrypt(who, [clone(contact)])
      readBack[who].contactDescr = ct.descr ?? null
      readBack[who].services = (ct.services || []).map((x) => x.content ?? null)
      const [h] = await s.helementApi.decrypt(who, [clone(he)])
      readBack[who].healthElementDescr = h.descr ?? null
    }
  }
  check(readBack[B].patientNote === PLAIN.patient.note, `${v.name}: B reads the patient`)
  check(readBack[P].patientNote === PLAIN.patient.note, `${v.name}: P reads the patient`)
  check(readBack[B].contactDescr === PLAIN.contact.descr, `${v.name}: B reads the contact`)

  const dir = join(outDir, v.name)
  write(dir, 'owners/hcp-a.json', server.hcps.get(A))
  write(dir, 'owners/hcp-b.json', server.hcps.get(B))
  write(dir, 'owners/patient-p.json', server.patients.get(P))
  for (const who of [A, B, P]) write(dir, `keys/${who}.pkcs8.hex`, keys[who].priv + '\n', true)
  write(dir, 'keys/sdk-storage.json', sdkStorage)
  write(dir, 'records/patient-1234.json', patient)
  write(dir, 'records/contact-4567.json', contact)
  write(dir, 'records/healthelement-7890.json', he)
  write(dir, 'plaintext.json', { ...clone(PLAIN), readBack })
  write(dir, 'sdk.json', { package: '@icure/api', version: require(`${v.pkg}/package.json`).version })
  return { server, sdks }
}

/** D grants R access to `entity` the way `IccPatientXApi.share` does. */
async function shareLegacy(sdk, d, r, entity) {
  const { crypto } = sdk
  const [sdel] = await crypto.extractDelegationsSFKs(entity, d).then((x) => x.extractedKeys)
  const [sek] = await crypto.extractEncryptionsSKs(entity, d).then((x) => x.extractedKeys)
  const out = await crypto.addDelegationsAndEncryptionKeys(null, entity, d, r, sdel, sek)
  return out
}

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`)
  console.error(`ok: ${what}`)
}

function write(dir, rel, data, raw = false) {
  const p = join(dir, rel)
  mkdirSync(dirname(p), { recursive: true })
  writeFileSync(p, raw ? data : JSON.stringify(data, null, 2) + '\n')
}

/**
 * The SDK reads what `ehrcrypt icure share` wrote: DIR holds
 * <version>/shared/patient-1234.json (shared by A with C) and the owner
 * documents as ehrcrypt left them. Records the result in DIR/<version>/sdk-read-back.json.
 */
async function readBack(dir) {
  for (const v of VERSIONS) {
    const vdir = join(dir, v.name)
    const shared = join(vdir, 'shared/patient-1234.json')
    if (!existsSync(shared)) continue
    const server = new Server()
    const storage = new Map()
    const sdk = sdkFor(v, server, storage)
    const ownerFiles = JSON.parse(readFileSync(join(vdir, 'shared/owners.json'), 'utf8'))
    for (const o of ownerFiles) (o.id.startsWith('patient') ? server.patients : server.hcps).set(o.id, o)
    const who = JSON.parse(readFileSync(join(vdir, 'shared/reader.json'), 'utf8'))
    await sdk.crypto.loadKeyPairsAsTextInBrowserLocalStorage(who.id, sdk.api.hex2ua(readFileSync(join(vdir, who.key), 'utf8').trim()))
    const [pt] = await sdk.patientApi.decrypt({ id: 'u', healthcarePartyId: who.id }, [JSON.parse(readFileSync(shared, 'utf8'))])
    write(vdir, 'shared/sdk-read-back.json', { reader: who.id, note: pt.note ?? null })
    console.error(`${v.name}: SDK read back ehrcrypt's share as ${who.id}: ${pt.note ? 'ok' : 'FAILED'}`)
  }
}

const args = process.argv.slice(2)
if (args[0] === '--read-back') {
  await readBack(args[1])
} else {
  const outDir = args[0] ?? join(here, '../../fixtures/icure')
  for (const v of VERSIONS) await legacy(v, outDir)
}
