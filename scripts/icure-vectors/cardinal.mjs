// The Cardinal SDK (@icure/cardinal-sdk) end to end against a tiny local
// HTTP stand-in that stores and returns what it is sent (FORMAT-NOTES D).
// SPDX-License-Identifier: MIT OR Apache-2.0
import http from 'node:http'
import { CardinalSdk, AuthenticationMethod, DecryptedPatient, DecryptedContact, DecryptedService, DecryptedContent, AccessLevel, Gender, Measure } from '@icure/cardinal-sdk'

const b64u = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
// The SDK reads only exp, tac (authentication class level) and jwtD.
// The signature part names the user, so the stand-in knows who is asking.
const jwt = (p, login) => `${b64u({ alg: 'HS256', typ: 'JWT' })}.${b64u(p)}.${Buffer.from(login).toString('base64url')}`

export class CardinalServer {
  constructor(log = false) {
    this.log = log
    this.users = new Map() // login -> { user, type }
    this.owners = new Map() // id -> { type, doc }
    this.exchangeData = new Map()
    this.exchangeDataMaps = new Map()
    this.entities = { patient: new Map(), contact: new Map(), helement: new Map() }
    this.unknown = []
    this.tokens = new Map()
  }
  addOwner(type, doc, login) {
    this.owners.set(doc.id, { type, doc: { rev: '1-x', ...doc } })
    const user = { id: `user-${doc.id}`, rev: '1-x', login, groupId: 'g', status: 'ACTIVE' }
    user[type === 'patient' ? 'patientId' : 'healthcarePartyId'] = doc.id
    this.users.set(login, { user, type })
  }
  bump(doc) {
    doc.rev = `${parseInt(doc.rev ?? '0') + 1}-x`
    return doc
  }
  route(method, path, query, body, login) {
    const now = Math.floor(Date.now() / 1000)
    const u = this.users.get(login)
    const parts = path.split('/').filter(Boolean).slice(2) // after rest/v2
    const p = parts.join('/')
    const json = body ? JSON.parse(body) : undefined
    if (method === 'POST' && p === 'auth/login') {
      const token = jwt({ exp: now + 36000, tac: 40, jwtD: 3600 }, login)
      this.tokens.set(`Bearer ${token}`, login)
      return { token, refreshToken: jwt({ exp: now + 360000 }, login) }
    }
    // auth/switch/{group}: unknown here, so the SDK logs in again with ?groupId.
    if (p === 'user/matches') {
      const x = u.user
      return [{ groupId: 'g', groupName: 'g', groupsHierarchy: [], userId: x.id, login: x.login, healthcarePartyId: x.healthcarePartyId, patientId: x.patientId }]
    }
    if (p === 'user/current') return u.user
    if (p === 'dataowner/current') {
      const id = u.user.healthcarePartyId ?? u.user.patientId
      const o = this.owners.get(id)
      return { type: o.type, dataOwner: o.doc }
    }
    if (method === 'PUT' && p === 'dataowner/stub') {
      const o = this.owners.get(json.stub.id)
      Object.assign(o.doc, json.stub)
      this.bump(o.doc)
      return { type: json.type, stub: stub(o.doc) }
    }
    if (method === 'GET' && parts[0] === 'dataowner' && parts.length === 2) {
      const o = this.owners.get(parts[1])
      return o ? { type: o.type, dataOwner: o.doc } : null
    }
    if (method === 'GET' && parts[0] === 'dataowner' && parts[1] === 'stub' && parts.length === 3) {
      const o = this.owners.get(parts[2])
      return o ? { type: o.type, stub: stub(o.doc) } : null
    }
    if (method === 'POST' && p === 'dataowner/stub/byIds' || method === 'POST' && p === 'dataowner/byIds') {
      return json.ids.map((id) => this.owners.get(id)).filter(Boolean).map((o) => (p.includes('stub') ? { type: o.type, stub: stub(o.doc) } : { type: o.type, dataOwner: o.doc }))
    }
    if (parts[0] === 'exchangedata') {
      if (method === 'POST' && parts.length === 1) {
        const d = this.bump({ ...json })
        this.exchangeData.set(d.id, d)
        return d
      }
      if (method === 'PUT' && parts.length === 1) {
        const d = this.bump({ ...json })
        this.exchangeData.set(d.id, d)
        return d
      }
      if (method === 'GET' && parts[1] === 'byDelegatorDelegate') {
        return [...this.exchangeData.values()].filter((d) => d.delegator === parts[2] && d.delegate === parts[3])
      }
      if (method === 'GET' && parts[1] === 'byParticipant') {
        const all = [...this.exchangeData.values()].filter((d) => d.delegator === parts[2] || d.delegate === parts[2])
        return { rows: all, nextKeyPair: null }
      }
      if (method === 'POST' && parts[1] === 'byIds') return json.ids.map((id) => this.exchangeData.get(id)).filter(Boolean)
      if (method === 'GET' && parts.length === 2) return this.exchangeData.get(parts[1]) ?? null
    }
    if (parts[0] === 'exchangedatamap') {
      if (method === 'PUT' && parts[1] === 'batch') {
        // {"batch": {<map id>: {<fpV2>: <base64>}}}: merged into the stored maps.
        for (const [id, ids] of Object.entries(json.batch)) {
          const old = this.exchangeDataMaps.get(id) ?? { id, encryptedExchangeDataIds: {} }
          old.encryptedExchangeDataIds = { ...old.encryptedExchangeDataIds, ...ids }
          this.exchangeDataMaps.set(id, this.bump(old))
        }
        return undefined
      }
      if (method === 'POST' && parts[1] === 'batch') return json.ids.map((id) => this.exchangeDataMaps.get(id)).filter(Boolean)
    }
    const kind = { patient: 'patient', contact: 'contact', helement: 'helement' }[parts[0]]
    if (kind) {
      const m = this.entities[kind]
      if (method === 'POST' && parts.length === 1) {
        const e = this.bump({ ...json })
        m.set(e.id, e)
        return e
      }
      if (method === 'GET' && parts.length === 2) return m.get(parts[1]) ?? null
    }
    this.unknown.push(`${method} ${path}`)
    return Symbol.for('404')
  }
  async start() {
    this.srv = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        const url = new URL(req.url, 'http://x')
        let login = this.lastLogin
        if (url.pathname.endsWith('/auth/login') && body) login = this.lastLogin = JSON.parse(body).username
        const auth = req.headers.authorization
        if (auth && this.tokens.has(auth)) login = this.tokens.get(auth)
        let out
        try {
          out = this.route(req.method, url.pathname, url.searchParams, body, login)
        } catch (e) {
          console.error('stand-in error', req.method, req.url, e)
          out = Symbol.for('404')
        }
        if (this.log) console.error('REQ', login, req.method, req.url, body.slice(0, 160), out === Symbol.for('404') ? '(404)' : '')
        if (out === Symbol.for('404')) {
          res.writeHead(404, { 'content-type': 'application/json' })
          return res.end('{}')
        }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(out === undefined ? '' : JSON.stringify(out))
      })
    })
    await new Promise((r) => this.srv.listen(0, '127.0.0.1', r))
    return `http://127.0.0.1:${this.srv.address().port}`
  }
  stop() {
    this.srv.close()
  }
}

function stub(doc) {
  const { id, rev, publicKeysForOaepWithSha256, aesExchangeKeys, hcPartyKeys, transferKeys, privateKeyShamirPartitions, publicKey, parentId, tags, codes } = doc
  return { id, rev, publicKeysForOaepWithSha256, aesExchangeKeys, hcPartyKeys, transferKeys, privateKeyShamirPartitions, publicKey, parentId, tags, codes }
}

export function storageFor() {
  const store = new Map()
  return {
    store,
    facade: {
      getItem: async (k) => store.get(k),
      setItem: async (k, v) => void store.set(k, v),
      removeItem: async (k) => void store.delete(k),
    },
  }
}

export { CardinalSdk, AuthenticationMethod, DecryptedPatient, DecryptedContact, DecryptedService, DecryptedContent, AccessLevel, Gender, Measure }
