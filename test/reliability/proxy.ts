/**
 * A tiny loopback forwarding proxy in front of the emulator. It counts the
 * requests in flight, as the server sees them, which is what `concurrency`
 * promises to bound; with a certificate it is also the HTTPS front door of
 * the TLS test.
 */
import {
  createServer as createHttpServer,
  request,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'

export interface CountingProxy {
  url: string
  /** Answers held back so far (see `hold`). */
  held: number
  /** Requests answered or failed so far. */
  total: number
  /** Most requests that were in flight at the same time. */
  maxInFlight: number
  close(): Promise<void>
}

/** Hold back the answer to matching requests: the server did the work, the client hears late. */
export interface Hold {
  method: string
  path: RegExp
  delayMs: number
  times: number
}

export async function startProxy(
  target: string,
  tls?: {key: string; cert: string},
  hold?: Hold
): Promise<CountingProxy> {
  const upstream = new URL(target)
  let inFlight = 0
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++
    proxy.maxInFlight = Math.max(proxy.maxInFlight, inFlight)
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      inFlight--
      proxy.total++
    }
    res.on('close', finish)
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: {...req.headers, host: upstream.host}
      },
      answer => {
        const pass = (): void => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
          // A body cut short upstream is cut short here too.
          answer.on('aborted', () => res.destroy())
        }
        const held =
          hold && hold.times > 0 && req.method === hold.method && hold.path.test(req.url ?? '')
        if (!held) return pass()
        hold.times--
        proxy.held++
        setTimeout(pass, hold.delayMs)
      }
    )
    // A reset upstream becomes a reset downstream, as a real proxy passes it on.
    outgoing.on('error', () => res.destroy())
    req.pipe(outgoing)
  }
  const server = tls ? createHttpsServer(tls, forward) : createHttpServer(forward)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  const proxy: CountingProxy = {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`,
    held: 0,
    total: 0,
    maxInFlight: 0,
    close: () =>
      new Promise(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
  return proxy
}
