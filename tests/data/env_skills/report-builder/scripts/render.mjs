// Render report.html to a PNG preview.
import fs from 'node:fs';
import path from 'path';
import puppeteer from 'puppeteer';
const { helper } = require('./helper.cjs');

const browser = await puppeteer.launch();
const page = await browser.newPage();
await page.setContent(fs.readFileSync(path.resolve(process.argv[2]), 'utf8'));
await page.screenshot({ path: 'preview.png' });
await browser.close();
