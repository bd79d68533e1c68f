// Entry point of the browser code: each page's script starts when its root element is there.
import { startExecutionPage } from './execution.js';
import { startDesigner } from './designer.js';
import { startTestState } from './teststate.js';

document.addEventListener('DOMContentLoaded', () => {
  const execution = document.getElementById('execution');
  if (execution) startExecutionPage(execution);
  const designer = document.getElementById('designer');
  if (designer) {
    startDesigner(designer);
    startTestState(designer);
  }
});
