import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { checkInclusionProof, INCLUSION_PROOF_FORMAT, type AuditInclusionProof } from './check-inclusion-proof.js';
import { inclusionPath, leafHash, merkleRoot, nodeHash } from './merkle-tree.js';
import { positionRunsOf, positionsOfRuns, sealHashOf, sealHeaderText, type AuditSealHeader } from './audit-seal.js';

// The Certificate Transparency test vectors (RFC 6962 trees over these eight leaves, as bytes).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Every byte is below 0x80, so the text of these code units is the same bytes in UTF-8.
const ctLeaf = (hex: string) => leafHash(String.fromCharCode(...Buffer.from(hex, 'hex')));

// RFC 6962 §2.1's definition, recursively, to hold the iterative fold to.
const referenceRoot = (leaves: Buffer[]): Buffer => {
  if (leaves.length === 1) return leaves[0];
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, split)), referenceRoot(leaves.slice(split)));
};

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`event ${i}`));

describe('the audit Merkle tree', () => {
  it.each(CT_ROOTS.map((root, i) => [i + 1, root] as const))('gives the Certificate Transparency root of %i leaves', (size, root) => {
    expect(merkleRoot(CT_LEAVES.slice(0, size).map(ctLeaf)).toString('hex')).toBe(root);
  });

  it('hashes a leaf with the 0x00 prefix over the UTF-8 of its text', () => {
    const text = '["7","社保",{"a":1}]';
    expect(leafHash(text)).toEqual(createHash('sha256').update(Buffer.from([0])).update(text, 'utf8').digest());
  });

  it('folds to RFC 6962’s recursive root for every size up to 70', () => {
    for (let n = 1; n <= 70; n++) expect(merkleRoot(leavesOf(n))).toEqual(referenceRoot(leavesOf(n)));
  });

  it('moves its root when one leaf changes or two swap', () => {
    const leaves = leavesOf(9);
    const root = merkleRoot(leaves).toString('hex');
    expect(merkleRoot([...leaves.slice(0, 4), leafHash('forged'), ...leaves.slice(5)]).toString('hex')).not.toBe(root);
    expect(merkleRoot([leaves[1], leaves[0], ...leaves.slice(2)]).toString('hex')).not.toBe(root);
    expect(merkleRoot(leaves.slice(0, 8)).toString('hex')).not.toBe(root);
  });

  it('refuses a path for a leaf the tree does not have', () => {
    expect(() => inclusionPath(leavesOf(3), 3)).toThrow(RangeError);
    expect(() => inclusionPath(leavesOf(3), -1)).toThrow(RangeError);
  });
});

describe('seal positions', () => {
  it('run-length encode the read order and expand back', () => {
    const positions = ['5', '6', '7', '12', '9', '10', '18446744073709551615'];
    const runs = positionRunsOf(positions);
    expect(runs).toEqual([['5', 3], ['12', 1], ['9', 2], ['18446744073709551615', 1]]);
    expect(positionsOfRuns(runs)).toEqual(positions);
  });
});

describe('checkInclusionProof', () => {
  const keys = generateKeyPairSync('ed25519');
  const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const leafTexts = Array.from(
    { length: 11 },
    (_, i) => `["${100 + i}","0193a0c0-0000-7000-8000-${String(i).padStart(12, '0')}","contract-1",${i},"ContractSubmitted",{"n":${i}},{},"2026-11-27T12:00:00.000000Z"]`,
  );
  const leaves = leafTexts.map(leafHash);
  const header: AuditSealHeader = {
    sequence: 3,
    firstPosition: '100',
    lastPosition: '110',
    positionRuns: [['100', 11]],
    checkpoint: '900:110',
    count: 11,
    merkleRoot: merkleRoot(leaves).toString('hex'),
    previousSealHash: '0'.repeat(64),
    sealedAt: '2026-11-27T12:00:05.000Z',
  };
  const sealHash = sealHashOf(header);
  const proofFor = (index: number): AuditInclusionProof => ({
    format: INCLUSION_PROOF_FORMAT,
    globalPosition: String(100 + index),
    leafText: leafTexts[index],
    leafHash: leaves[index].toString('hex'),
    leafIndex: index,
    treeSize: leaves.length,
    path: inclusionPath(leaves, index).map((h) => h.toString('hex')),
    seal: {
      globalPosition: '111',
      headerText: sealHeaderText(header),
      sealHash,
      signature: sign(null, Buffer.from(sealHash, 'hex'), keys.privateKey).toString('base64'),
    },
    publicKeyPem,
  });

  it('accepts a proof for every leaf, and reads the event out of it', () => {
    for (let i = 0; i < leaves.length; i++) {
      const check = checkInclusionProof(JSON.parse(JSON.stringify(proofFor(i))) as AuditInclusionProof, publicKeyPem);
      expect(check).toMatchObject({ valid: true, problems: [], event: { globalPosition: String(100 + i), streamVersion: i, data: { n: i } } });
    }
    expect(checkInclusionProof(proofFor(0), publicKeyPem).seal).toEqual({ sequence: 3, sealedAt: header.sealedAt, merkleRoot: header.merkleRoot });
  });

  const attacker = generateKeyPairSync('ed25519');
  const otherKey = attacker.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  /** What a forger can make: any event text, sealed and signed with their own key, that key written into the proof. */
  const forgedWithOwnKey = (p: AuditInclusionProof): AuditInclusionProof => {
    const leafText = p.leafText.replace('{"n":4}', '{"n":400}');
    const forgedLeaves = leaves.map((leaf, i) => (i === p.leafIndex ? leafHash(leafText) : leaf));
    const forgedHeader = { ...header, merkleRoot: merkleRoot(forgedLeaves).toString('hex') };
    const forgedHash = sealHashOf(forgedHeader);
    return {
      ...p,
      leafText,
      leafHash: leafHash(leafText).toString('hex'),
      path: inclusionPath(forgedLeaves, p.leafIndex).map((h) => h.toString('hex')),
      seal: {
        ...p.seal,
        headerText: sealHeaderText(forgedHeader),
        sealHash: forgedHash,
        signature: sign(null, Buffer.from(forgedHash, 'hex'), attacker.privateKey).toString('base64'),
      },
      publicKeyPem: otherKey,
    };
  };

  it('takes the forger’s proof for sound only with the forger’s key as the trusted one', () => {
    expect(checkInclusionProof(forgedWithOwnKey(proofFor(4)), otherKey)).toMatchObject({ valid: true, event: { data: { n: 400 } } });
  });
  it.each<[string, (p: AuditInclusionProof) => AuditInclusionProof, RegExp]>([
    ['an edited event', (p) => ({ ...p, leafText: p.leafText.replace('{"n":4}', '{"n":5}') }), /leaf hash is not the hash/],
    ['an edited event with its leaf hash recomputed', (p) => {
      const leafText = p.leafText.replace('{"n":4}', '{"n":5}');
      return { ...p, leafText, leafHash: leafHash(leafText).toString('hex') };
    }, /does not lead to the seal’s Merkle root/],
    ['another position claimed', (p) => ({ ...p, globalPosition: '105' }), /is the event at 104, not at 105/],
    ['a wrong index', (p) => ({ ...p, leafIndex: 5 }), /does not place position 104 at leaf 5/],
    ['a path node altered', (p) => ({ ...p, path: [leafHash('x').toString('hex'), ...p.path.slice(1)] }), /Merkle root/],
    ['an edited seal header', (p) => ({ ...p, seal: { ...p.seal, headerText: p.seal.headerText.replace('2026-11-27T12', '2025-11-27T12') } }), /seal hash is not the hash/],
    ['a proof re-signed with another key that carries that key', forgedWithOwnKey, /signature does not verify with the trusted public key/],
    ['a proof signed with the trusted key that names another', (p) => ({ ...p, publicKeyPem: otherKey }), /names a signing key other than the trusted one/],
    ['a proof that names no key', (p) => ({ ...p, publicKeyPem: undefined as unknown as string }), /names a signing key other than the trusted one/],
    ['a broken signature', (p) => ({ ...p, seal: { ...p.seal, signature: 'AAAA' } }), /signature does not verify/],
    ['a hash that is not hex', (p) => ({ ...p, leafHash: 'zz' }), /not 64 hex digits/],
    ['a path that is not a list', (p) => ({ ...p, path: 'abc' as unknown as string[] }), /lacks its inclusion path/],
    ['another format', (p) => ({ ...p, format: 'v0' as typeof INCLUSION_PROOF_FORMAT }), /not a shuzhi-audit-inclusion-proof\/v1 proof/],
  ])('refuses %s', (_name, forge, problem) => {
    const check = checkInclusionProof(forge(proofFor(4)), publicKeyPem);
    expect(check.valid).toBe(false);
    expect(check.problems.join('; ')).toMatch(problem);
  });

  it.each<[string, unknown, RegExp]>([
    ['no trusted key', undefined, /no trusted public key was given/],
    ['an empty trusted key', '  ', /no trusted public key was given/],
    ['a private key as the trusted one', keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /is a private key/],
    ['a trusted key that is not PEM', 'not a key', /not a readable PEM key/],
    ['a trusted key that is not Ed25519', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(), /ec, not Ed25519/],
  ])('checks nothing with %s', (_name, trusted, problem) => {
    expect(checkInclusionProof(proofFor(4), trusted as string)).toEqual({ valid: false, problems: [expect.stringMatching(problem)] });
  });
});
