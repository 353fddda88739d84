// Content digests and identifiers: none of these are secrets.
const sha256 = '813e02ea68ef786e4d3cea27d26934b484e73cf575dcad6ba2b0aee0ca923732';
const checksum = '881584d8c4fa2815d2802827283e0ad841735815';
const requestId = '7d9f3c1e-2b4a-4c6d-8e0f-1a2b3c4d5e6f';
const logo = 'data:image/png;base64,aBWnM2S7p+7su95P2pbwoHHVFE7dPfWHQnpuwmD/szSZ3zpK/4gYcnTOBYCTfhKs';
const passwordRegex = /^(?=.*[A-Z])(?=.*\d).{8,}$/;
const tokenType = 'Bearer';
module.exports = { sha256, checksum, requestId, logo, passwordRegex, tokenType };
