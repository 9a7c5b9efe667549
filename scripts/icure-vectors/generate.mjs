// Generates fixtures/icure/ with the real iCure SDKs' own crypto code and no
// server: an in-memory stand-in answers the few data-owner calls the SDK's
// crypto makes (FORMAT-NOTES part D). Keys, IVs and UUIDs are random, so every
// run gives new, equally valid data: commit the output.
//
//   cd scripts/icure-vectors && npm ci && node generate.mjs [OUT_DIR]
//   node generate.mjs --read-back [DIR]  # only: the SDK reads what ehrcrypt's share wrote
//   VECTORS_ONLY=cardinal node generate.mjs   # only the Cardinal vectors
//
// SPDX-License-Identifier: MIT OR Apache-2.0
import { createRequire } from 'node:module'
import { mkdirSync, writeFileSync, readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { execFileSync } from 'node:child_process'
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

/** The ehrcrypt binary to run for the read-back (EHRCRYPT_BIN, or cargo's). */
function ehrcryptBin() {
  const c = [process.env.EHRCRYPT_BIN, join(here, '../../target/release/ehrcrypt'), join(here, '../../target/debug/ehrcrypt')]
  return c.filter(Boolean).find((p) => existsSync(p))
}

/**
 * `ehrcrypt icure share` adds the patient P to the health element (as A,
 * whose exchange key with P exists) and to the contact (as B, which has
 * none: ehrcrypt makes one and writes B's updated owner document). Then a
 * fresh SDK instance of P, with that document on the stand-in server, reads
 * both back. Results go to <version>/shared/sdk-read-back.json.
 *
 * (`icure migrate` writes ehrcrypt entities, which no iCure SDK reads:
 * ehrcrypt's own tests check those.)
 */
async function readBack(v, dir) {
  const bin = ehrcryptBin()
  if (!bin) {
    console.error(`${v.name}: no ehrcrypt binary (cargo build, or EHRCRYPT_BIN): read-back skipped`)
    return
  }
  const tmp = mkdtempSync(join(tmpdir(), 'icure-vectors-'))
  const env = { ...process.env, EHRCRYPT_KEYSTORE: join(tmp, 'ks.json'), EHRCRYPT_PASSPHRASE: 'test-only-passphrase' }
  const run = (...a) => execFileSync(bin, ['-q', ...a], { env, stdio: ['ignore', 'ignore', 'inherit'] })
  const owners = [A, B, P].map((w) => join(dir, `owners/${w}.json`))
  const shared = join(dir, 'shared')
  mkdirSync(shared, { recursive: true })
  run('icure', 'import-key', join(dir, 'keys/sdk-storage.json'))
  run('icure', 'import-owner', ...owners)
  const unauth = '--i-know-it-is-unauthenticated'
  run('icure', 'share', join(dir, 'records/healthelement-7890.json'), '--as', A, '--with', P, '-o', join(shared, 'healthelement-7890.json'), unauth, '--force')
  run('icure', 'share', join(dir, 'records/contact-4567.json'), '--as', B, '--with', P, '-o', join(shared, 'contact-4567.json'), '--owner-out', join(shared, 'hcp-b.json'), unauth, '--force')
  rmSync(tmp, { recursive: true, force: true })

  const server = new Server()
  for (const w of [A, B]) server.hcps.set(w, JSON.parse(readFileSync(join(dir, `owners/${w}.json`), 'utf8')))
  server.hcps.set(B, JSON.parse(readFileSync(join(shared, 'hcp-b.json'), 'utf8')))
  server.patients.set(P, JSON.parse(readFileSync(join(dir, `owners/${P}.json`), 'utf8')))
  const p = sdkFor(v, server, new Map())
  await p.crypto.loadKeyPairsAsTextInBrowserLocalStorage(P, p.api.hex2ua(readFileSync(join(dir, `keys/${P}.pkcs8.hex`), 'utf8').trim()))
  const [ct] = await p.contactApi.decrypt(P, [JSON.parse(readFileSync(join(shared, 'contact-4567.json'), 'utf8'))])
  const [he] = await p.helementApi.decrypt(P, [JSON.parse(readFileSync(join(shared, 'healthelement-7890.json'), 'utf8'))])
  const result = {
    reader: P,
    sdk: `${v.name}`,
    contactDescr: ct.descr ?? null,
    services: (ct.services || []).map((x) => x.content ?? null),
    healthElementDescr: he.descr ?? null,
  }
  write(shared, 'sdk-read-back.json', result)
  check(result.contactDescr === PLAIN.contact.descr, `${v.name}: the SDK reads ehrcrypt's share of the contact (new exchange key B→P)`)
  check(result.healthElementDescr === PLAIN.healthElement.descr, `${v.name}: the SDK reads ehrcrypt's share of the health element (existing exchange key A→P)`)
}

/**
 * Cardinal (@icure/cardinal-sdk): each data owner's SDK is initialised
 * against the local stand-in (which makes its key pair), A creates patient
 * 1234 for B and P and contact 4567 for B, then B and P read them back.
 */
async function cardinal(outDir) {
  const c = await import('./cardinal.mjs')
  const version = require('@icure/cardinal-sdk/package.json').version
  const server = new c.CardinalServer(process.env.VECTORS_LOG === '1')
  server.addOwner('hcp', { id: A, name: 'Dr Alice Martin', firstName: 'Alice', lastName: 'Martin' }, 'alice')
  server.addOwner('hcp', { id: B, name: 'Dr Bob Leroy', firstName: 'Bob', lastName: 'Leroy' }, 'bob')
  server.addOwner('patient', { id: P, firstName: 'Jeanne', lastName: 'Dupont' }, 'jeanne')
  const url = await server.start()
  const logins = { [A]: 'alice', [B]: 'bob', [P]: 'jeanne' }
  const storage = { [A]: c.storageFor(), [B]: c.storageFor(), [P]: c.storageFor() }
  const init = (who) =>
    c.CardinalSdk.initialize(undefined, url, new c.AuthenticationMethod.UsingCredentials.UsernamePassword(logins[who], 'pw'), storage[who].facade)
  try {
    const sdks = {}
    for (const who of [A, B, P]) sdks[who] = await init(who)
    const a = sdks[A]
    // The Kotlin model takes the Gender enum, not the legacy string.
    let patient = await a.patient.withEncryptionMetadata(new c.DecryptedPatient({ ...clone(PLAIN.patient), gender: c.Gender.Female }), {
      delegates: { [B]: c.AccessLevel.Write, [P]: c.AccessLevel.Read },
    })
    patient = await a.patient.createPatient(patient)
    const ct = clone(PLAIN.contact)
    const content = (en) => new c.DecryptedContent(en.measureValue ? { measureValue: new c.Measure(en.measureValue) } : en)
    ct.services = ct.services.map((x) => new c.DecryptedService({ ...x, content: { en: content(x.content.en) } }))
    let contact = await a.contact.withEncryptionMetadata(new c.DecryptedContact(ct), patient, { delegates: { [B]: c.AccessLevel.Write } })
    contact = await a.contact.createContact(contact)
    // P's SDK learns its exchange data when it starts: start it again, on
    // the same storage (same keys), now that A has shared with it.
    sdks[P] = await init(P)
    const readBack = {}
    for (const who of [A, B, P]) {
      const pt = await sdks[who].patient.getPatient(PATIENT_ID)
      readBack[who] = { patientNote: pt.note ?? null }
      if (who !== P) {
        const cc = await sdks[who].contact.getContact(CONTACT_ID)
        readBack[who].contactDescr = cc.descr ?? null
        readBack[who].services = (cc.services || []).map((x) => JSON.parse(JSON.stringify(x.content ?? null)))
      }
    }
    check(readBack[B].patientNote === PLAIN.patient.note, `cardinal ${version}: B reads the patient`)
    check(readBack[P].patientNote === PLAIN.patient.note, `cardinal ${version}: P reads the patient`)
    check(readBack[B].contactDescr === PLAIN.contact.descr, `cardinal ${version}: B reads the contact`)

    const dir = join(outDir, `cardinal-sdk-${version}`)
    for (const who of [A, B, P]) {
      write(dir, `owners/${who}.json`, server.owners.get(who).doc)
      const stored = {}
      for (const [k, x] of storage[who].store) if (k.startsWith('org.taktik.icure.rsa.')) stored[k] = JSON.parse(x)
      write(dir, `keys/${who}.sdk-storage.json`, stored)
    }
    for (const d of server.exchangeData.values()) write(dir, `exchange-data/${d.delegator}--${d.delegate}.json`, d)
    for (const m of server.exchangeDataMaps.values()) write(dir, `exchange-data-maps/${m.id}.json`, m)
    write(dir, 'records/patient-1234.json', server.entities.patient.get(PATIENT_ID))
    write(dir, 'records/contact-4567.json', server.entities.contact.get(CONTACT_ID))
    write(dir, 'plaintext.json', { patient: PLAIN.patient, contact: PLAIN.contact, readBack })
    write(dir, 'sdk.json', { package: '@icure/cardinal-sdk', version })
    if (server.unknown.length) console.error('stand-in: unanswered', [...new Set(server.unknown)])
  } finally {
    server.stop()
  }
}

const args = process.argv.slice(2)
const readBackOnly = args[0] === '--read-back'
const outDir = (readBackOnly ? args[1] : args[0]) ?? join(here, '../../fixtures/icure')
for (const v of process.env.VECTORS_ONLY === 'cardinal' ? [] : VERSIONS) {
  if (!readBackOnly) await legacy(v, outDir)
  await readBack(v, join(outDir, v.name))
}
if (!readBackOnly && process.env.VECTORS_ONLY !== 'legacy') await cardinal(outDir)
