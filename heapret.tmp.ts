import fs from 'node:fs';
function load(file: string) {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  const m = snap.snapshot.meta;
  const nf = m.node_fields.length, ef = m.edge_fields.length;
  const types = m.node_types[0] as string[]; const etypes = m.edge_types[0] as string[];
  const nodes = snap.nodes as number[]; const edges = snap.edges as number[]; const strings = snap.strings as string[];
  const N = nodes.length / nf;
  const owner = new Int32Array(N).fill(-1); const ownerEdge: string[] = new Array(N);
  let e = 0;
  for (let i = 0; i < N; i++) {
    const ec = nodes[i * nf + 4]!;
    for (let k = 0; k < ec; k++, e += ef) {
      const et = etypes[edges[e]!]!; if (et === 'weak') continue;
      const to = edges[e + 2]! / nf;
      if (owner[to] === -1) { owner[to] = i; const nameOrIdx = edges[e + 1]!; ownerEdge[to] = et === 'element' || et === 'hidden' ? `[${et}]` : strings[nameOrIdx]!; }
    }
  }
  const label = (i: number) => { const t = types[nodes[i * nf]!]!; return t === 'object' || t === 'closure' ? `${t}:${strings[nodes[i * nf + 1]!]}` : t; };
  const map = new Map<string, [number, number]>();
  for (let i = 0; i < N; i++) {
    const t = types[nodes[i * nf]!]!;
    if (t !== 'array' && t !== 'object' && t !== 'closure' && t !== 'string' && t !== 'hidden') continue;
    const o = owner[i]!; let key = `${label(i)} <- ${o >= 0 ? label(o) : '?'}.${ownerEdge[i] ?? ''}`;
    if (o >= 0 && (t === 'array' || t === 'hidden') && (label(o) === 'closure:' || label(o) === 'object:Object')) { const oo = owner[o]!; key += ` <- ${oo >= 0 ? label(oo) : '?'}.${ownerEdge[o]}`; const ooo = oo >= 0 ? owner[oo]! : -1; key += ` <- ${ooo >= 0 ? label(ooo) : '?'}.${oo >= 0 ? ownerEdge[oo] : ''}`; }
    const v = map.get(key) ?? [0, 0]; v[0]++; v[1] += nodes[i * nf + 3]!; map.set(key, v);
  }
  return map;
}
const [a, b, perArg] = process.argv.slice(2); const per = Number(perArg ?? 2000);
const A = load(a!), B = load(b!);
const rows = [...B].map(([k, [c, s]]) => { const o = A.get(k) ?? [0, 0]; return [k, (c - o[0]) / per, (s - o[1]) / per] as const; }).sort((x, y) => y[2] - x[2]).slice(0, 45);
for (const [k, c, s] of rows) console.log(s.toFixed(0).padStart(6), c.toFixed(2).padStart(6), k.slice(0, 110));
