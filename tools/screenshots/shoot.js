// shoot.js: the browser half of `make screenshots`. Reads the plan written by run.py
// (base URL, pages, each browser's cookies), opens every page in Debian's headless
// chromium through playwright-core, in each language and width, saves a full-page PNG
// as PAGE-LANG-WIDTH.png, and runs axe-core (read from its npm package on disk and
// evaluated in the page: nothing is loaded from another origin) over the same page.
// Writes OUT/axe.txt (every violation, with its elements) and prints one summary line per
// page; exits 1 when any page has a violation or could not be shot.
'use strict';

const fs = require('fs');
const path = require('path');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const modules = process.env.NODE_PATH.split(path.delimiter)[0];
const { chromium } = require(path.join(modules, 'playwright-core'));
const axeSource = fs.readFileSync(path.join(modules, 'axe-core', 'axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WORKERS = Math.max(1, Number(process.env.WORKERS || 3));

// What the help form is sent with to reach the receipt page.
const HELP_TEXT = 'A test request made by make screenshots.';

async function act(page, action) {
	if (!action)
		return;
	const form = page.locator('main form[enctype="multipart/form-data"], main form:not([action$="/leave"])').first();
	if (action === 'help')
		await form.locator('textarea[name="message"]').fill(HELP_TEXT);
	await Promise.all([page.waitForLoadState('load'), form.locator('button[type="submit"]').last().click()]);
	await page.waitForLoadState('load');
}

async function axeRun(page) {
	await page.evaluate(axeSource);
	return page.evaluate(async () => {
		// The banner of a test instance (this one) is not on a production instance's pages.
		const r = await window.axe.run({ exclude: [['.test-banner']] }, { resultTypes: ['violations'] });
		return r.violations.map(v => ({
			id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
		}));
	});
}

// One shot: the page in one language and width, its PNG and its axe violations.
async function shoot(page, p, lang, width) {
	await page.setViewportSize({ width, height: 800 });
	await page.goto(`${plan.base}/${lang}${p.path}`, { waitUntil: 'load' });
	await act(page, p.action);
	await page.screenshot({ path: path.join(plan.out, `${p.name}-${lang}-${width}.png`), fullPage: true });
	return axeRun(page);
}

async function main() {
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
	const jobs = [];   // in the order of the plan; results land in their own slot
	for (const p of plan.pages)
		for (const lang of plan.langs)
			for (const width of plan.widths)
				jobs.push({ p, lang, width, shot: `${p.name}-${lang}-${width}` });
	let next = 0;
	// A worker keeps one browser context (its cookies) per staff member or visitor.
	async function worker() {
		const contexts = {};
		try {
			while (next < jobs.length) {
				const job = jobs[next++];
				if (!contexts[job.p.browser]) {
					const context = await browser.newContext({ locale: 'en-US' });
					const cookies = plan.browsers[job.p.browser] || [];
					if (cookies.length)
						await context.addCookies(cookies.map(c => ({ name: c.name, value: c.value, url: plan.base })));
					contexts[job.p.browser] = await context.newPage();
				}
				try {
					job.violations = await shoot(contexts[job.p.browser], job.p, job.lang, job.width);
					job.url = contexts[job.p.browser].url();
				} catch (e) {
					job.error = e.message.split('\n')[0];
				}
				const v = job.violations;
				job.line = job.error ? `ERROR ${job.shot}: ${job.error}`
					: v.length === 0 ? `ok    ${job.shot}`
					: `FAIL  ${job.shot}: ${v.length} violation(s): ${v.map(x => x.id).join(', ')}`;
				console.log(job.line);
			}
		} finally {
			for (const page of Object.values(contexts))
				await page.context().close();
		}
	}
	try {
		await Promise.all(Array.from({ length: WORKERS }, worker));
	} finally {
		await browser.close();
	}
	const report = [];
	let failed = 0;
	for (const job of jobs) {
		if (job.error || job.violations.length)
			failed++;
		if (!job.violations || !job.violations.length)
			continue;
		report.push(`== ${job.shot} (${job.url})`);
		for (const x of job.violations) {
			report.push(`  ${x.id} [${x.impact}] ${x.help}\n    ${x.helpUrl}`);
			for (const n of x.nodes)
				report.push(`    at ${n.target}\n      ${n.html}\n      ${n.summary.replace(/\n/g, '\n      ')}`);
		}
	}
	const version = require(path.join(modules, 'axe-core', 'package.json')).version;
	const text = `axe-core ${version} on ${jobs.length} pages (the test-instance banner excluded: a production instance has none)\n\n`
		+ jobs.map(j => j.line).join('\n') + '\n\n' + (report.length ? report.join('\n') + '\n' : 'No violations.\n');
	fs.writeFileSync(path.join(plan.out, 'axe.txt'), text);
	console.log(`screenshots: ${jobs.length} pages in ${plan.out}; ${failed} with violations or errors (details in axe.txt)`);
	process.exit(failed ? 1 : 0);
}

main().catch(e => { console.error(e); process.exit(2); });
