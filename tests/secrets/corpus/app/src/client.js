const axios = require('axios');

// Long-lived service token, copied from the admin console.
const SERVICE_TOKEN = 'eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiYmlsbGluZy13b3JrZXIiLCAic2NvcGUiOiAib3JkZXJzOndyaXRlIn0.5ZBzU7BEra5UgLKEt67dh0FwMY7RRIR7shTGyCsOyMY';
const cursor = 'eyJraW5kIjogImN1cnNvciJ9.eyJwYWdlIjogMiwgInNpemUiOiA1MH0.mfwpG8o3G-JfkW-PlOyLDvlSnT9YcPkw';

module.exports = () => axios.get('https://orders.internal/api', { headers: { Authorization: `Bearer ${SERVICE_TOKEN}` }, params: { cursor } });
