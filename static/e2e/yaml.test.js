// ASL as YAML: a machine pasted as YAML on the home page is stored as JSON, drawn and run,
// and its Download YAML gives the YAML back with its comments; the SAM and CloudFormation
// template buttons give it as infrastructure as code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStudio, shot } from './harness.js';

const studio = useStudio();

const machine = `# Orders wait for a human
StartAt: Check
States:
  Check:
    Type: Choice # the rules read the order
    Choices:
      - Variable: $.amount
        NumericGreaterThan: 100
        Next: Big
    Default: Small
  Big:
    Type: Pass
    Result: {size: big}
    End: true
  Small:
    Type: Succeed
`;

async function download(page, testId) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const chunks = [];
  for await (const c of await file.createReadStream()) chunks.push(c);
  return { name: file.suggestedFilename(), text: Buffer.concat(chunks).toString() };
}

test('a machine pasted as YAML is stored as JSON and goes out as the same YAML', async () => {
  const page = await studio.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(studio.server.url + '/');
  await page.getByTestId('create-name').fill('yaml-orders');
  await page.getByTestId('create-definition').fill(machine);
  await page.getByTestId('create-submit').click();
  await page.waitForURL('**/machines/yaml-orders');
  await page.locator('#state-Big').waitFor();
  await shot(page, 'yaml-machine.png');

  const json = await download(page, 'download-definition');
  assert.equal(JSON.parse(json.text).States.Check.Choices[0].NumericGreaterThan, 100);
  const yaml = await download(page, 'download-yaml');
  assert.equal(yaml.name, 'yaml-orders.asl.yaml');
  // A form's textarea sends its lines with CRLF; the YAML comes back as it was sent.
  assert.equal(yaml.text.replaceAll('\r\n', '\n'), machine);

  // The template buttons beside it give the machine as infrastructure as code.
  const sam = await download(page, 'download-sam');
  assert.equal(sam.name, 'yaml-orders.sam.yaml');
  assert.match(sam.text, /Transform: AWS::Serverless-2016-10-31/);
  assert.match(sam.text, /Type: AWS::Serverless::StateMachine/);
  const cfn = await download(page, 'download-cfn');
  assert.equal(cfn.name, 'yaml-orders.cfn.yaml');
  assert.match(cfn.text, /Type: AWS::StepFunctions::StateMachine/);
  assert.match(cfn.text, /RoleArn: !Ref StateMachineRoleArn/);

  // YAML that does not parse is refused with its line, and the form keeps the text.
  await page.goto(studio.server.url + '/');
  await page.getByTestId('create-name').fill('yaml-broken');
  await page.getByTestId('create-definition').fill('StartAt: A\nStates:\n  A: [Type: Pass\n');
  await page.getByTestId('create-submit').click();
  await page.getByText(/Not valid YAML at line \d/).waitFor();
  assert.match(await page.getByTestId('create-definition').inputValue(), /StartAt: A/);
  await page.close();
});
