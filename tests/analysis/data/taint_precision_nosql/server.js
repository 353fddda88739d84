const express = require('express');
const helmet = require('helmet');

const app = express();
app.use(helmet());
app.use(express.json());
app.use('/keys', require('./routes/keys'));
app.use(require('./routes/notes'));
app.use(require('./routes/people'));

app.listen(process.env.PORT || 3000);
