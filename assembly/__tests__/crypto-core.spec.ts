// Hand-written edge-case specs for the crypto layer, plus the upstream BIP-340 and BIP-32 test
// vectors (bitcoin/bips: bip-0340/test-vectors.csv, bip-0032.mediawiki test vectors 1-3, BSD-2)
// and SHA-512 / HMAC-SHA512 / PBKDF2-SHA512 known answers computed with OpenSSL (node:crypto).
// The data block between the markers was produced by a one-off script from those files.
import { fromHex, toHex } from "../core/encoding/hex";
import { CryptoError, cryptoErrorName } from "../core/crypto/errors";
import { schnorrPublicKey, schnorrSign, schnorrVerify, schnorrVerifyBool } from "../core/crypto/schnorr";
import { ExtendedKey, BIP32_HARDENED, bip32DerivePath } from "../core/crypto/bip32";
import { hmacSha512, pbkdf2HmacSha512, sha512 } from "../core/crypto/sha512";

function h(s: string): Uint8Array { return fromHex(s)!; }
function utf8(s: string): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(s)); }

// --- data (generated) ---
const BIP340: string[][] = [
  ["0", "0000000000000000000000000000000000000000000000000000000000000003", "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", "0000000000000000000000000000000000000000000000000000000000000000", "0000000000000000000000000000000000000000000000000000000000000000", "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0", "true", "\r"],
  ["1", "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "0000000000000000000000000000000000000000000000000000000000000001", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a", "true", "\r"],
  ["2", "c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b14e5c9", "dd308afec5777e13121fa72b9cc1b7cc0139715309b086c960e18fd969774eb8", "c87aa53824b4d7ae2eb035a2b5bbbccc080e76cdc6d1692c4b0b62d798e6d906", "7e2d58d8b3bcdf1abadec7829054f90dda9805aab56c77333024b9d0a508b75c", "5831aaeed7b44bb74e5eab94ba9d4294c49bcf2a60728d8b4c200f50dd313c1bab745879a5ad954a72c45a91c3a51d3c7adea98d82f8481e0e1e03674a6f3fb7", "true", "\r"],
  ["3", "0b432b2677937381aef05bb02a66ecd012773062cf3fa2549e44f58ed2401710", "25d1dff95105f5253c4022f628a996ad3a0d95fbf21d468a1b33f8c160d8f517", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "7eb0509757e246f19449885651611cb965ecc1a187dd51b64fda1edc9637d5ec97582b9cb13db3933705b32ba982af5af25fd78881ebb32771fc5922efc66ea3", "true", "test fails if msg is reduced modulo p or n\r"],
  ["4", "", "d69c3509bb99e412e68b0fe8544e72837dfa30746d8be2aa65975f29d22dc7b9", "", "4df3c3f68fcc83b27e9d42c90431a72499f17875c81a599b566c9889b9696703", "00000000000000000000003b78ce563f89a0ed9414f5aa28ad0d96d6795f9c6376afb1548af603b3eb45c9f8207dee1060cb71c04e80f593060b07d28308d7f4", "true", "\r"],
  ["5", "", "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6cff5c3ba86c69ea4b7376f31a9bcb4f74c1976089b2d9963da2e5543e17776969e89b4c5564d00349106b8497785dd7d1d713a8ae82b32fa79d5f7fc407d39b", "false", "public key not on the curve\r"],
  ["6", "", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "fff97bd5755eeea420453a14355235d382f6472f8568a18b2f057a14602975563cc27944640ac607cd107ae10923d9ef7a73c643e166be5ebeafa34b1ac553e2", "false", "has_even_y(R) is false\r"],
  ["7", "", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "1fa62e331edbc21c394792d2ab1100a7b432b013df3f6ff4f99fcb33e0e1515f28890b3edb6e7189b630448b515ce4f8622a954cfe545735aaea5134fccdb2bd", "false", "negated message\r"],
  ["8", "", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6cff5c3ba86c69ea4b7376f31a9bcb4f74c1976089b2d9963da2e5543e177769961764b3aa9b2ffcb6ef947b6887a226e8d7c93e00c5ed0c1834ff0d0c2e6da6", "false", "negated s value\r"],
  ["9", "", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "0000000000000000000000000000000000000000000000000000000000000000123dda8328af9c23a94c1feecfd123ba4fb73476f0d594dcb65c6425bd186051", "false", "sG - eP is infinite. Test fails in single verification if has_even_y(inf) is defined as true and x(inf) as 0\r"],
  ["10", "", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "00000000000000000000000000000000000000000000000000000000000000017615fbaf5ae28864013c099742deadb4dba87f11ac6754f93780d5a1837cf197", "false", "sG - eP is infinite. Test fails in single verification if has_even_y(inf) is defined as true and x(inf) as 1\r"],
  ["11", "", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "4a298dacae57395a15d0795ddbfd1dcb564da82b0f269bc70a74f8220429ba1d69e89b4c5564d00349106b8497785dd7d1d713a8ae82b32fa79d5f7fc407d39b", "false", "sig[0:32] is not an X coordinate on the curve\r"],
  ["12", "", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f69e89b4c5564d00349106b8497785dd7d1d713a8ae82b32fa79d5f7fc407d39b", "false", "sig[0:32] is equal to field size\r"],
  ["13", "", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6cff5c3ba86c69ea4b7376f31a9bcb4f74c1976089b2d9963da2e5543e177769fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "false", "sig[32:64] is equal to curve order\r"],
  ["14", "", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30", "", "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", "6cff5c3ba86c69ea4b7376f31a9bcb4f74c1976089b2d9963da2e5543e17776969e89b4c5564d00349106b8497785dd7d1d713a8ae82b32fa79d5f7fc407d39b", "false", "public key is not a valid X coordinate because it exceeds the field size\r"],
  ["15", "0340034003400340034003400340034003400340034003400340034003400340", "778caa53b4393ac467774d09497a87224bf9fab6f6e68b23086497324d6fd117", "0000000000000000000000000000000000000000000000000000000000000000", "", "71535db165ecd9fbbc046e5ffaea61186bb6ad436732fccc25291a55895464cf6069ce26bf03466228f19a3a62db8a649f2d560fac652827d1af0574e427ab63", "true", "message of size 0 (added 2022-12)\r"],
  ["16", "0340034003400340034003400340034003400340034003400340034003400340", "778caa53b4393ac467774d09497a87224bf9fab6f6e68b23086497324d6fd117", "0000000000000000000000000000000000000000000000000000000000000000", "11", "08a20a0afef64124649232e0693c583ab1b9934ae63b4c3511f3ae1134c6a303ea3173bfea6683bd101fa5aa5dbc1996fe7cacfc5a577d33ec14564cec2bacbf", "true", "message of size 1 (added 2022-12)\r"],
  ["17", "0340034003400340034003400340034003400340034003400340034003400340", "778caa53b4393ac467774d09497a87224bf9fab6f6e68b23086497324d6fd117", "0000000000000000000000000000000000000000000000000000000000000000", "0102030405060708090a0b0c0d0e0f1011", "5130f39a4059b43bc7cac09a19ece52b5d8699d1a71e3c52da9afdb6b50ac370c4a482b77bf960f8681540e25b6771ece1e5a37fd80e5a51897c5566a97ea5a5", "true", "message of size 17 (added 2022-12)\r"],
  ["18", "0340034003400340034003400340034003400340034003400340034003400340", "778caa53b4393ac467774d09497a87224bf9fab6f6e68b23086497324d6fd117", "0000000000000000000000000000000000000000000000000000000000000000", "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999", "403b12b0d8555a344175ea7ec746566303321e5dbfa8be6f091635163eca79a8585ed3e3170807e7c03b720fc54c7b23897fcba0e9d0b4a06894cfd249f22367", "true", "message of size 100 (added 2022-12)"],
];
// seed, path (comma-separated indices, hardened as 2^31 + i), private key, chain code
const BIP32: string[][] = [
  ["000102030405060708090a0b0c0d0e0f", "", "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35", "873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508"], // vector 1 m
  ["000102030405060708090a0b0c0d0e0f", "2147483648", "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea", "47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141"], // vector 1 m/0H
  ["000102030405060708090a0b0c0d0e0f", "2147483648,1", "3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368", "2a7857631386ba23dacac34180dd1983734e444fdbf774041578e9b6adb37c19"], // vector 1 m/0H/1
  ["000102030405060708090a0b0c0d0e0f", "2147483648,1,2147483650", "cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca", "04466b9cc8e161e966409ca52986c584f07e9dc81f735db683c3ff6ec7b1503f"], // vector 1 m/0H/1/2H
  ["000102030405060708090a0b0c0d0e0f", "2147483648,1,2147483650,2", "0f479245fb19a38a1954c5c7c0ebab2f9bdfd96a17563ef28a6a4b1a2a764ef4", "cfb71883f01676f587d023cc53a35bc7f88f724b1f8c2892ac1275ac822a3edd"], // vector 1 m/0H/1/2H/2
  ["000102030405060708090a0b0c0d0e0f", "2147483648,1,2147483650,2,1000000000", "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8", "c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e"], // vector 1 m/0H/1/2H/2/1000000000
  ["fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542", "", "4b03d6fc340455b363f51020ad3ecca4f0850280cf436c70c727923f6db46c3e", "60499f801b896d83179a4374aeb7822aaeaceaa0db1f85ee3e904c4defbd9689"], // vector 2 m
  ["fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542", "0", "abe74a98f6c7eabee0428f53798f0ab8aa1bd37873999041703c742f15ac7e1e", "f0909affaa7ee7abe5dd4e100598d4dc53cd709d5a5c2cac40e7412f232f7c9c"], // vector 2 m/0
  ["fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542", "0,4294967295", "877c779ad9687164e9c2f4f0f4ff0340814392330693ce95a58fe18fd52e6e93", "be17a268474a6bb9c61e1d720cf6215e2a88c5406c4aee7b38547f585c9a37d9"], // vector 2 m/0/2147483647H
  ["fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542", "0,4294967295,1", "704addf544a06e5ee4bea37098463c23613da32020d604506da8c0518e1da4b7", "f366f48f1ea9f2d1d3fe958c95ca84ea18e4c4ddb9366c336c927eb246fb38cb"], // vector 2 m/0/2147483647H/1
  ["fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542", "0,4294967295,1,4294967294", "f1c7c871a54a804afe328b4c83a1c33b8e5ff48f5087273f04efa83b247d6a2d", "637807030d55d01f9a0cb3a7839515d796bd07706386a6eddf06cc29a65a0e29"], // vector 2 m/0/2147483647H/1/2147483646H
  ["fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542", "0,4294967295,1,4294967294,2", "bb7d39bdb83ecf58f2fd82b6d918341cbef428661ef01ab97c28a4842125ac23", "9452b549be8cea3ecb7a84bec10dcfd94afe4d129ebfd3b3cb58eedf394ed271"], // vector 2 m/0/2147483647H/1/2147483646H/2
  ["4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be", "", "00ddb80b067e0d4993197fe10f2657a844a384589847602d56f0c629c81aae32", "01d28a3e53cffa419ec122c968b3259e16b65076495494d97cae10bbfec3c36f"], // vector 3 m
  ["4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be", "2147483648", "491f7a2eebc7b57028e0d3faa0acda02e75c33b03c48fb288c41e2ea44e1daef", "e5fea12a97b927fc9dc3d2cb0d1ea1cf50aa5a1fdc1f933e8906bb38df3377bd"], // vector 3 m/0H
];
// message, sha512 hex
const SHA512: string[][] = [
  ["", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"],
  ["abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"],
  ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"],
  ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "fa9121c7b32b9e01733d034cfc78cbf67f926c7ed83e82200ef86818196921760b4beff48404df811b953828274461673c68d04e297b0eb7b2b4d60fc6b566a2"],
  ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "c01d080efd492776a1c43bd23dd99d0a2e626d481e16782e75d54c2503b5dc32bd05f0f1ba33e568b88fd2d970929b719ecbb152f58f130a407c8830604b70ca"],
  ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "b73d1929aa615934e61a871596b3f3b33359f42b8175602e89f7e06e5f658a243667807ed300314b95cacdd579f3e33abdfbe351909519a846d465c59582f321"],
  ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "67ba5535a46e3f86dbfbed8cbbaf0125c76ed549ff8b0b9e03e0c88cf90fa634fa7b12b47d77b694de488ace8d9a65967dc96df599727d3292a8d9d447709c97"],
];
// key hex, data, hmac-sha512 hex
const HMAC512: string[][] = [
  ["0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"],
  ["4a656665", "what do ya want for nothing?", "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"],
  ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Test Using Larger Than Block-Size Key - Hash Key First", "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"],
];
// password, salt, iterations, dkLen, pbkdf2-hmac-sha512 hex
const PBKDF2: string[][] = [
  ["password", "salt", "1", "64", "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce"],
  ["password", "salt", "2", "64", "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53cf76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e"],
  ["password", "salt", "2048", "64", "91be23564f09fc855c82ce84a223ebe7d63d8b49d69372593a0d9ed39e143c83e1ab2f722a5ddb969feefc88403f7e2afe1afb8b2f0e6b20add0fb7b28368807"],
  ["passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", "4096", "100", "8c0511f4c6e597c6ac6315d8f0362e225f3c501495ba23b868c005174dc4ee71115b59f9e60cd9532fa33e0f75aefe30225c583a186cd82bd4daea9724a3d3b804f75bdd41494fa324cab24bcc680fb3b96a30cf5d21fac3c2875913919f3399b1d9ce7e"],
];
// --- end of data ---

import { FE_SIZE, feAdd, feAddInt, feEqual, feHalf, feInv, feIsZero, feMul, feNormalize, feNormalizesToZero, feSetB32Limit, feSetInt, feSqr, feSqrt } from "../core/crypto/field";
import { scAdd, scGetB32, scIsZero, scMul, scNegate, scSetB32, scSplitLambda, scLambda } from "../core/crypto/scalar";
import { Point, pointAddVar, pointDecode, pointEncode, pointEncodeInto, pointEqualVar, pointMul, pointMulAddGenVar, pointMulGen, pointMulGenVar, pointMulVar, pointNegate } from "../core/crypto/point";
import { hashToCurveBytes } from "../core/crypto/h2c";
import { blindMessage, signBlindedMessage, unblindSignature } from "../core/crypto/bdhke";
import { verifyDleqBlindSignature, verifyDleqProof } from "../core/crypto/dleq";
import { Nut13Output, bip39MnemonicToSeed, nut13Derive } from "../core/crypto/nut13";

const P_HEX = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
const N_HEX = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
const N_MINUS_1 = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";
const G_C = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const G_U = "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
const ONE = "0000000000000000000000000000000000000000000000000000000000000001";
const ZERO = "0000000000000000000000000000000000000000000000000000000000000000";

function fe(): usize { return changetype<usize>(new StaticArray<u32>(10)); }
function sc(): usize { return changetype<usize>(new StaticArray<u32>(8)); }
function decodeErr(s: string): string { return cryptoErrorName(pointDecode(new Point(), h(s))); }
function scHex(a: usize): string { const b = new Uint8Array(32); scGetB32(b.dataStart, a); return toHex(b); }

describe("BIP-340 Schnorr (bitcoin/bips test-vectors.csv)", () => {
  it("signs, derives keys and verifies every vector as published", () => {
    for (let i = 0; i < BIP340.length; i++) {
      const v = BIP340[i];
      const pk = h(v[2]), msg = h(v[4]), sig = h(v[5]);
      if (v[1].length) {
        const out = new Uint8Array(32);
        expect(schnorrPublicKey(out, h(v[1]))).toBe(CryptoError.None);
        expect(toHex(out)).toBe(v[2]);
        const s = new Uint8Array(64);
        expect(schnorrSign(s, msg, h(v[1]), h(v[3]))).toBe(CryptoError.None);
        expect(toHex(s)).toBe(v[5]);
      }
      const r = schnorrVerify(sig, msg, pk);
      if (v[6] == "true") expect(cryptoErrorName(r)).toBe("none", v[0] + " " + v[7]);
      else expect(cryptoErrorName(r)).not.toBe("none", v[0] + " " + v[7]);
    }
  });

  it("names why a signature is malformed", () => {
    const pk = h(BIP340[1][2]), msg = h(BIP340[1][4]), sig = h(BIP340[1][5]);
    expect(schnorrVerify(sig.subarray(0, 63), msg, pk)).toBe(CryptoError.BadLength);
    expect(schnorrVerify(sig, msg, pk.subarray(0, 31))).toBe(CryptoError.BadLength);
    expect(schnorrVerify(sig, msg, h(P_HEX))).toBe(CryptoError.XOutOfRange);
    const pk33 = new Uint8Array(33); pk33[0] = 2; pk33.set(pk, 1);
    expect(schnorrVerify(sig, msg, pk33)).toBe(CryptoError.None);
    pk33[0] = 3; // x-only: the parity byte is ignored, as for NUT-11 keys
    expect(schnorrVerify(sig, msg, pk33)).toBe(CryptoError.None);
    pk33[0] = 4;
    expect(schnorrVerify(sig, msg, pk33)).toBe(CryptoError.BadPrefix);
    expect(schnorrVerifyBool(sig, msg, pk)).toBe(true);
    expect(schnorrVerifyBool(sig, h(BIP340[2][4]), pk)).toBe(false);
    expect(schnorrVerifyBool(sig.subarray(1), msg, pk)).toBe(false);
    expect(schnorrVerify(h("0000000000000000000000000000000000000000000000000000000000000005" + BIP340[1][5].slice(64)), msg, pk)).not.toBe(CryptoError.None);
    expect(schnorrVerify(h(BIP340[1][5].slice(0, 64) + N_HEX), msg, pk)).toBe(CryptoError.ScalarOverflow);
    expect(schnorrVerify(h(P_HEX + BIP340[1][5].slice(64)), msg, pk)).toBe(CryptoError.XOutOfRange);
  });
});

describe("BIP-32 (bitcoin/bips test vectors 1-3)", () => {
  it("derives every published private key and chain code", () => {
    for (let i = 0; i < BIP32.length; i++) {
      const v = BIP32[i];
      const parts = v[1].length ? v[1].split(",") : new Array<string>(0);
      const path = new StaticArray<u32>(parts.length);
      for (let j = 0; j < parts.length; j++) path[j] = <u32>U64.parseInt(parts[j]);
      const k = new ExtendedKey();
      expect(bip32DerivePath(k, h(v[0]), path)).toBe(CryptoError.None);
      expect(toHex(k.key)).toBe(v[2]);
      expect(toHex(k.chainCode)).toBe(v[3]);
    }
  });
});

describe("SHA-512, HMAC-SHA512, PBKDF2-HMAC-SHA512 (OpenSSL known answers)", () => {
  it("sha512", () => {
    for (let i = 0; i < SHA512.length; i++) expect(toHex(sha512(utf8(SHA512[i][0])))).toBe(SHA512[i][1]);
  });
  it("hmac-sha512 (RFC 4231 cases 1, 2, 6)", () => {
    for (let i = 0; i < HMAC512.length; i++) expect(toHex(hmacSha512(h(HMAC512[i][0]), utf8(HMAC512[i][1])))).toBe(HMAC512[i][2]);
  });
  it("pbkdf2-hmac-sha512", () => {
    for (let i = 0; i < PBKDF2.length; i++) {
      const v = PBKDF2[i];
      expect(toHex(pbkdf2HmacSha512(utf8(v[0]), utf8(v[1]), I32.parseInt(v[2]), I32.parseInt(v[3])))).toBe(v[4]);
    }
  });
});

describe("field GF(p) edge cases", () => {
  it("accepts p - 1 and rejects p and 2^256 - 1 as coordinates", () => {
    const a = fe();
    expect(feSetB32Limit(a, h("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e").dataStart)).toBe(true);
    expect(feSetB32Limit(a, h(P_HEX).dataStart)).toBe(false);
    expect(feSetB32Limit(a, h("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff").dataStart)).toBe(false);
  });
  it("(p - 1) + 1 normalizes to zero; 1/2 * 2 == 1; a * a^-1 == 1; sqrt(-1) does not exist", () => {
    const a = fe(), b = fe(), one = fe();
    feSetInt(one, 1);
    feSetB32Limit(a, h("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e").dataStart);
    feAddInt(a, 1);
    expect(feNormalizesToZero(a)).toBe(true);
    feNormalize(a);
    expect(feIsZero(a)).toBe(true);
    feSetInt(a, 1); feHalf(a); feAdd(a, a); feNormalize(a);
    expect(feEqual(one, a)).toBe(true);
    feSetB32Limit(a, h("3b1f5e0f8a2d9c7b6a5948372615f4e3d2c1b0a9f8e7d6c5b4a3928170605040").dataStart);
    feInv(b, a); feMul(b, b, a); feNormalize(b);
    expect(feEqual(one, b)).toBe(true);
    feSetB32Limit(a, h("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e").dataStart); // -1
    expect(feSqrt(b, a)).toBe(false);
    feSetInt(a, 4);
    expect(feSqrt(b, a)).toBe(true);
    feSqr(b, b);
    expect(feEqual(b, a)).toBe(true);
  });
  it("mul accepts magnitude-8 inputs (lazy additions)", () => {
    const a = fe(), b = fe(), acc = fe(), r1 = fe(), r2 = fe(), eight = fe();
    feSetB32Limit(a, h("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e").dataStart);
    feSetB32Limit(b, h("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2d").dataStart);
    feSetInt(acc, 0);
    for (let i = 0; i < 8; i++) feAdd(acc, a); // 8 * (p-1): magnitude 8
    feMul(r1, acc, b);
    feSetInt(eight, 8);
    feMul(r2, a, b); feMul(r2, r2, eight);
    feNormalize(r1);
    expect(feEqual(r1, r2)).toBe(true);
  });
});

describe("scalars mod n edge cases", () => {
  it("rejects n as overflow (reducing it to 0) and keeps n - 1", () => {
    const a = sc();
    expect(scSetB32(a, h(N_HEX).dataStart)).toBe(1);
    expect(scIsZero(a)).toBe(true);
    expect(scSetB32(a, h(N_MINUS_1).dataStart)).toBe(0);
    expect(scHex(a)).toBe(N_MINUS_1);
  });
  it("(n-1)^2 == 1, (n-1) + 2 == 1, -0 == 0", () => {
    const a = sc(), b = sc(), r = sc();
    scSetB32(a, h(N_MINUS_1).dataStart);
    scMul(r, a, a);
    expect(scHex(r)).toBe(ONE);
    scSetB32(b, h("0000000000000000000000000000000000000000000000000000000000000002").dataStart);
    scAdd(r, a, b);
    expect(scHex(r)).toBe(ONE);
    scSetB32(a, h(ZERO).dataStart);
    scNegate(r, a);
    expect(scIsZero(r)).toBe(true);
  });
  it("GLV split recombines (r1 + lambda*r2 == k) with both halves below 2^128 in absolute value", () => {
    const ks = [ONE, N_MINUS_1, "00000000000000000000000000000001" + "00000000000000000000000000000000",
      "a6d13fcd7a18442e6076f5e1e7c887ad5de40a019824bdfa9fe740d302e8d861", "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0"];
    for (let i = 0; i < ks.length; i++) {
      const k = sc(), r1 = sc(), r2 = sc(), t = sc();
      scSetB32(k, h(ks[i]).dataStart);
      scSplitLambda(r1, r2, k);
      scMul(t, r2, scLambda());
      scAdd(t, t, r1);
      expect(scHex(t)).toBe(ks[i]);
      for (let j = 0; j < 2; j++) {
        const r = j == 0 ? r1 : r2;
        const neg = sc();
        scNegate(neg, r);
        const small = scHex(r).startsWith("00000000000000000000000000000000") || scHex(neg).startsWith("00000000000000000000000000000000");
        expect(small).toBe(true);
      }
    }
  });
});

describe("point encodings: every malformed input has a named error", () => {
  it("wrong lengths", () => {
    expect(decodeErr("")).toBe("bad_length");
    expect(decodeErr("02")).toBe("bad_length");
    expect(decodeErr(G_C.slice(0, 64))).toBe("bad_length");
    expect(decodeErr(G_C + "00")).toBe("bad_length");
    expect(decodeErr(G_U.slice(0, 128))).toBe("bad_length");
    expect(decodeErr(G_U + "00")).toBe("bad_length");
    expect(decodeErr("00")).toBe("bad_length");
  });
  it("bad prefixes", () => {
    expect(decodeErr("00" + G_C.slice(2))).toBe("bad_point_prefix");
    expect(decodeErr("01" + G_C.slice(2))).toBe("bad_point_prefix");
    expect(decodeErr("04" + G_C.slice(2))).toBe("bad_point_prefix");
    expect(decodeErr("ff" + G_C.slice(2))).toBe("bad_point_prefix");
    expect(decodeErr("02" + G_U.slice(2))).toBe("bad_point_prefix");
    expect(decodeErr("06" + G_U.slice(2))).toBe("bad_point_prefix");
    expect(decodeErr("07" + G_U.slice(2))).toBe("bad_point_prefix");
  });
  it("coordinates >= p", () => {
    expect(decodeErr("02" + P_HEX)).toBe("coordinate_out_of_range");
    expect(decodeErr("03ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")).toBe("coordinate_out_of_range");
    expect(decodeErr("04" + P_HEX + G_U.slice(66))).toBe("coordinate_out_of_range");
    expect(decodeErr(G_U.slice(0, 66) + P_HEX)).toBe("coordinate_out_of_range");
  });
  it("points not on the curve", () => {
    expect(decodeErr("020000000000000000000000000000000000000000000000000000000000000005")).toBe("point_not_on_curve");
    expect(decodeErr("030000000000000000000000000000000000000000000000000000000000000007")).toBe("point_not_on_curve");
    expect(decodeErr(G_U.slice(0, 128) + "b9")).toBe("point_not_on_curve");
    expect(decodeErr("04" + ZERO + ZERO)).toBe("point_not_on_curve");
  });
  it("valid encodings round-trip", () => {
    const p = new Point();
    expect(pointDecode(p, h(G_U))).toBe(CryptoError.None);
    expect(toHex(pointEncode(p, true)!)).toBe(G_C);
    expect(pointDecode(p, h(G_C))).toBe(CryptoError.None);
    expect(toHex(pointEncode(p, false)!)).toBe(G_U);
    expect(decodeErr("020000000000000000000000000000000000000000000000000000000000000001")).toBe("none");
  });
});

describe("the point at infinity and scalar range", () => {
  it("G + (-G) is infinity, which has no encoding", () => {
    const g = Point.generator(), ng = new Point(), r = new Point();
    pointNegate(ng, g);
    pointAddVar(r, g, ng);
    expect(r.isInfinity()).toBe(true);
    expect(pointEncode(r, true)).toBeNull();
    expect(pointEncodeInto(new Uint8Array(33), r, true)).toBe(CryptoError.Infinity);
    expect(pointEncodeInto(new Uint8Array(32), g, true)).toBe(CryptoError.BadLength);
  });
  it("0*G and 0*P are infinity; n is rejected; (n-1)*G == -G in every multiplier", () => {
    const r = new Point(), g = Point.generator(), ng = new Point();
    pointNegate(ng, g);
    expect(pointMulGen(r, h(ZERO))).toBe(CryptoError.None);
    expect(r.isInfinity()).toBe(true);
    expect(pointMulGenVar(r, h(ZERO))).toBe(CryptoError.None);
    expect(r.isInfinity()).toBe(true);
    expect(pointMul(r, g, h(ZERO))).toBe(CryptoError.None);
    expect(r.isInfinity()).toBe(true);
    expect(pointMulVar(r, g, h(ZERO))).toBe(CryptoError.None);
    expect(r.isInfinity()).toBe(true);
    expect(pointMulGen(r, h(N_HEX))).toBe(CryptoError.ScalarOverflow);
    expect(pointMul(r, g, h(N_HEX))).toBe(CryptoError.ScalarOverflow);
    expect(pointMulGen(r, h(ONE).subarray(1))).toBe(CryptoError.BadLength);
    expect(pointMulGen(r, h(N_MINUS_1))).toBe(CryptoError.None);
    expect(pointEqualVar(r, ng)).toBe(true);
    expect(pointMulGenVar(r, h(N_MINUS_1))).toBe(CryptoError.None);
    expect(pointEqualVar(r, ng)).toBe(true);
    expect(pointMul(r, g, h(N_MINUS_1))).toBe(CryptoError.None);
    expect(pointEqualVar(r, ng)).toBe(true);
    expect(pointMulVar(r, g, h(N_MINUS_1))).toBe(CryptoError.None);
    expect(pointEqualVar(r, ng)).toBe(true);
    expect(pointMulAddGenVar(r, h(ONE), g, h(N_MINUS_1))).toBe(CryptoError.None);
    expect(r.isInfinity()).toBe(true);
  });
  it("P + P doubles", () => {
    const g = Point.generator(), r = new Point(), two = new Point();
    pointAddVar(r, g, g);
    pointMulGen(two, h("0000000000000000000000000000000000000000000000000000000000000002"));
    expect(pointEqualVar(r, two)).toBe(true);
  });
});

describe("BDHKE, DLEQ and NUT-13 reject malformed input by name", () => {
  it("blinding factors and keys", () => {
    const out = new Uint8Array(33);
    const x = utf8("secret");
    expect(blindMessage(out, x, h(ZERO))).toBe(CryptoError.ScalarZero);
    expect(blindMessage(out, x, h(N_HEX))).toBe(CryptoError.ScalarOverflow);
    expect(blindMessage(out, x, h(ONE).subarray(1))).toBe(CryptoError.BadLength);
    expect(blindMessage(new Uint8Array(32), x, h(ONE))).toBe(CryptoError.BadLength);
    expect(blindMessage(out, new Uint8Array(0), h(ONE))).toBe(CryptoError.None); // empty secret is hashable
    expect(unblindSignature(out, h(G_C), h(ONE), h("02" + P_HEX))).toBe(CryptoError.XOutOfRange);
    expect(unblindSignature(out, h("05" + G_C.slice(2)), h(ONE), h(G_C))).toBe(CryptoError.BadPrefix);
    expect(unblindSignature(out, h(G_C), h(ZERO), h(G_C))).toBe(CryptoError.ScalarZero);
    expect(unblindSignature(out, h(G_C), h(ONE), h(G_C))).toBe(CryptoError.Infinity); // C_ == r*K
    expect(signBlindedMessage(out, h(ZERO), h(G_C))).toBe(CryptoError.ScalarZero);
    expect(signBlindedMessage(out, h(ONE), h("020000000000000000000000000000000000000000000000000000000000000005"))).toBe(CryptoError.NotOnCurve);
  });
  it("DLEQ scalars and points", () => {
    const A = h(G_C), e = h(ONE), s = h(ONE);
    expect(verifyDleqBlindSignature(A, A, A, h(N_HEX), s)).toBe(CryptoError.ScalarOverflow);
    expect(verifyDleqBlindSignature(A, A, A, e, h(N_HEX))).toBe(CryptoError.ScalarOverflow);
    expect(verifyDleqBlindSignature(A, A, A, e.subarray(1), s)).toBe(CryptoError.BadLength);
    expect(verifyDleqBlindSignature(h("02" + P_HEX), A, A, e, s)).toBe(CryptoError.XOutOfRange);
    expect(verifyDleqBlindSignature(A, A, A, e, s)).toBe(CryptoError.DleqInvalid);
    expect(verifyDleqProof(A, utf8("x"), A, e, s, h(ZERO))).toBe(CryptoError.ScalarZero);
    expect(verifyDleqProof(A, utf8("x"), A, e, s, h(N_HEX))).toBe(CryptoError.ScalarOverflow);
    expect(verifyDleqProof(A, utf8("x"), h("020000000000000000000000000000000000000000000000000000000000000005"), e, s, h(ONE))).toBe(CryptoError.NotOnCurve);
    // C = -r*A makes C_ = C + r*A infinity: rejected, not trapped.
    const negA = "03" + G_C.slice(2);
    expect(verifyDleqProof(A, utf8("x"), h(negA), e, s, h(ONE))).toBe(CryptoError.DleqInvalid);
  });
  it("hash_to_curve accepts any length", () => {
    const out = new Uint8Array(33);
    expect(hashToCurveBytes(out, new Uint8Array(0))).toBe(CryptoError.None);
    expect(hashToCurveBytes(out, new Uint8Array(1000))).toBe(CryptoError.None);
    expect(hashToCurveBytes(new Uint8Array(65), new Uint8Array(1))).toBe(CryptoError.BadLength);
  });
  it("NUT-13 keyset versions, id lengths and counters", () => {
    const o = new Nut13Output();
    const seed = new Uint8Array(64);
    expect(nut13Derive(o, seed, h("02aabbccddeeff00"), 0)).toBe(CryptoError.UnsupportedKeysetVersion);
    expect(nut13Derive(o, seed, new Uint8Array(0), 0)).toBe(CryptoError.BadLength);
    expect(nut13Derive(o, seed, h("009a1f293253e4"), 0)).toBe(CryptoError.BadLength);
    expect(nut13Derive(o, seed, h("009a1f293253e41e"), 0x80000000)).toBe(CryptoError.CounterOutOfRange);
    expect(nut13Derive(o, seed, h("009a1f293253e41e"), 0x7fffffff)).toBe(CryptoError.None);
    expect(nut13Derive(o, seed, h("01aabbcc"), 0xffffffffffffffff)).toBe(CryptoError.None);
    expect(bip39MnemonicToSeed("caf\u00e9")).toBeNull();
  });
  it("every error has a name", () => {
    for (let e = 0; e <= 14; e++) expect(cryptoErrorName(<CryptoError>e)).not.toBe("unknown");
  });
});

import { GE_SIZE, GEJ_SIZE, ecmultGenVar, geSetG, geSetGejVar, gejAddGe, gejAddVar, gejIsInfinity, gejSetGe, gejNeg, geNeg } from "../core/crypto/point";

function ge(): usize { return changetype<usize>(new StaticArray<u8>(<i32>GE_SIZE)); }
function gej(): usize { return changetype<usize>(new StaticArray<u8>(<i32>GEJ_SIZE)); }
function sameJ(a: usize, b: usize): bool {
  const na = gej(), t = gej();
  gejNeg(na, a);
  gejAddVar(t, na, b, 0);
  return gejIsInfinity(t);
}

describe("unified constant-time addition (gej_add_ge) special cases", () => {
  it("y1 = -y2 with x1 != x2 (x2 = beta*x1): the degenerate lambda branch", () => {
    const g = ge(), q = ge(), gj = gej(), r1 = gej(), r2 = gej(), qj = gej(), negL = sc();
    geSetG(g);
    scNegate(negL, scLambda()); // (-lambda)*G = (beta*x, -y)
    ecmultGenVar(qj, negL);
    geSetGejVar(q, qj);
    gejSetGe(gj, g);
    gejAddGe(r1, gj, q);
    gejAddVar(r2, gj, qj, 0);
    expect(gejIsInfinity(r1)).toBe(false);
    expect(sameJ(r1, r2)).toBe(true);
  });
  it("a == b doubles, a == -b gives infinity, a = infinity gives b", () => {
    const g = ge(), ng = ge(), gj = gej(), r = gej(), two = gej(), inf = gej();
    geSetG(g);
    gejSetGe(gj, g);
    gejAddGe(r, gj, g);
    gejAddVar(two, gj, gj, 0);
    expect(sameJ(r, two)).toBe(true);
    geNeg(ng, g);
    gejAddGe(r, gj, ng);
    expect(gejIsInfinity(r)).toBe(true);
    gejSetGe(inf, g);
    gejAddVar(inf, inf, r, 0); // G + infinity
    expect(sameJ(inf, gj)).toBe(true);
    gejAddGe(r, r, g); // infinity + G
    expect(sameJ(r, gj)).toBe(true);
  });
});
