import { type Call, type Definition, define, rethrowUnexpected } from './call';

// ---------------------------------------------------------------------------
// IP networks, as Go's net.ParseCIDR and apparentlymart/go-cidr handle them

interface IpNet {
  /** The address, masked to the prefix for a network. */
  readonly ip: bigint;
  /** 32 for IPv4, 128 for IPv6. */
  readonly bits: number;
  readonly prefix: number;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0')) || Number(p) > 255) return undefined;
    out = (out << 8n) | BigInt(p);
  }
  return out;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined;
  let groups: number[] = [];
  let text = s;
  let v4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] as string);
  if (head === undefined) return undefined;
  if (halves.length === 2) {
    const tail = parse(halves[1] as string);
    if (tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  let out = 0n;
  for (const g of groups) out = (out << 16n) | BigInt(g);
  if (v4 !== undefined) out = (out & ~0xffffffffn) | v4;
  return out;
}

function maskOf(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** net.ParseCIDR; the network address has its host bits cleared. */
function parseCidr(s: string): IpNet {
  const slash = s.indexOf('/');
  const invalid = (): never => {
    throw new Error(`invalid CIDR address: ${s}`);
  };
  if (slash < 0) invalid();
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  const bits = addr.includes(':') ? 128 : 32;
  const ip = bits === 32 ? parseIPv4(addr) : parseIPv6(addr);
  if (ip === undefined || !/^\d+$/.test(len) || Number(len) > bits) return invalid();
  const prefix = Number(len);
  return { ip: ip & maskOf(prefix, bits), bits, prefix };
}

/** net.IP.String(). */
function ipString(ip: bigint, bits: number): string {
  const v4 = (v: bigint): string => [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
  if (bits === 32) return v4(ip);
  if (ip >> 32n === 0xffffn) return v4(ip & 0xffffffffn);
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function netString(n: IpNet): string {
  return `${ipString(n.ip, n.bits)}/${n.prefix}`;
}

function lastAddress(n: IpNet): bigint {
  return n.ip | (((1n << BigInt(n.bits)) - 1n) ^ maskOf(n.prefix, n.bits));
}

/** go-cidr's HostBig. */
function cidrHost(net: IpNet, num: number): string {
  const hostLen = net.bits - net.prefix;
  const max = (1n << BigInt(hostLen)) - 1n;
  let n = BigInt(num);
  let check = n < 0n ? 0n : n;
  if (n < 0n) {
    check = -n - 1n;
    n = max - check;
  }
  if (check > max) throw new Error(`prefix of ${net.prefix} does not accommodate a host numbered ${n}`);
  return ipString(net.ip | n, net.bits);
}

/** go-cidr's Subnet. */
function cidrSubnet(net: IpNet, newBits: number, num: number): IpNet {
  const prefix = net.prefix + newBits;
  if (prefix > net.bits) {
    throw new Error(`insufficient address space to extend prefix of ${net.prefix} by ${newBits}`);
  }
  if (newBits < 0) throw new Error(`newbits must not be negative, received ${newBits}`);
  if (num < 0 || BigInt(num) > (1n << BigInt(newBits)) - 1n) {
    throw new Error(`prefix extension of ${newBits} does not accommodate a subnet numbered ${num}`);
  }
  return { ip: net.ip | (BigInt(num) << BigInt(net.bits - prefix)), bits: net.bits, prefix };
}

/** go-cty-funcs' cidrsubnets, built on go-cidr's PreviousSubnet and NextSubnet. */
function cidrSubnets(c: Call, net: IpNet, lengths: readonly number[]): string[] {
  if (lengths.length === 0) return [];
  const all = (1n << BigInt(net.bits)) - 1n;
  const first = net.prefix + (lengths[0] as number);
  const prevMask = maskOf(Math.min(Math.max(first, 0), net.bits), net.bits);
  let current: IpNet = {
    ip: ((net.ip - 1n) & all & prevMask) as bigint,
    bits: net.bits,
    prefix: Math.min(Math.max(first, 0), net.bits),
  };
  const out: string[] = [];
  lengths.forEach((extend, i) => {
    if (extend < 1) c.argFail(i + 1, 'must extend prefix by at least one bit');
    if (extend > 32) c.argFail(i + 1, 'may not extend prefix by more than 32 bits');
    const length = extend + net.prefix;
    if (length > net.bits) {
      c.argFail(
        i + 1,
        `would extend prefix to ${length} bits, which is too long for an ${net.bits === 32 ? 'IPv4' : 'IPv6'} address`,
      );
    }
    const mask = maskOf(length, net.bits);
    const subnet: IpNet = { ip: lastAddress(current) & mask, bits: net.bits, prefix: length };
    const after = (lastAddress(subnet) + 1n) & all;
    const next: IpNet = { ip: after & mask, bits: net.bits, prefix: length };
    const contained = (next.ip & maskOf(net.prefix, net.bits)) === net.ip;
    if (after === 0n || !contained) {
      c.argFail(
        i + 1,
        `not enough remaining address space for a subnet with a prefix of ${length} bits after ${netString(current)}`,
      );
    }
    current = next;
    out.push(netString(current));
  });
  return out;
}

function withCidrContext(e: unknown): string {
  const message = (e as Error).message;
  return message.startsWith('invalid CIDR address') ? `invalid CIDR expression: ${message}` : message;
}
/** IP network functions (go-cty-funcs cidr). */
export const CIDR_FUNCTIONS: Readonly<Record<string, Definition>> = {
  cidrhost: define('prefix, hostnum', (c) => {
    const hostnum = c.int(1);
    try {
      return cidrHost(parseCidr(c.str(0)), hostnum);
    } catch (e) {
      rethrowUnexpected(e);
      return c.fail(withCidrContext(e));
    }
  }),
  cidrnetmask: define('prefix', (c) => {
    try {
      const net = parseCidr(c.str(0));
      return ipString(maskOf(net.prefix, net.bits), net.bits);
    } catch (e) {
      rethrowUnexpected(e);
      return c.fail(withCidrContext(e));
    }
  }),
  cidrsubnet: define('prefix, newbits, netnum', (c) => {
    const newbits = c.int(1);
    const netnum = c.int(2);
    let net: IpNet;
    try {
      net = parseCidr(c.str(0));
    } catch (e) {
      rethrowUnexpected(e);
      return c.fail(withCidrContext(e));
    }
    if (newbits > 32) return c.argFail(1, 'may not extend prefix by more than 32 bits');
    try {
      return netString(cidrSubnet(net, newbits, netnum));
    } catch (e) {
      rethrowUnexpected(e);
      return c.fail((e as Error).message);
    }
  }),
  cidrsubnets: define(
    'prefix, newbits...',
    (c) => {
      let net: IpNet;
      try {
        net = parseCidr(c.str(0));
      } catch (e) {
        rethrowUnexpected(e);
        return c.argFail(0, withCidrContext(e));
      }
      return cidrSubnets(
        c,
        net,
        c.args.slice(1).map((_, i) => c.int(i + 1)),
      );
    },
    { min: 1 },
  ),
};
