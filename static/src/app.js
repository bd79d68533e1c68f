// Entry point of the browser code: each page's script starts when its root element is there.
import { startExecutionPage } from './execution.js';
import { startDesigner } from './designer.js';
import { startTestState } from './teststate.js';
import { startRunDialog } from './rundialog.js';
import { startExecutionList } from './executions-list.js';
import { installCSRF } from './csrf.js';
import { startTaskPage } from './task.js';
import { startInboxLive } from './inbox-list.js';
import { startFormatButtons } from './json-format.js';
import { startConfirms } from './confirm.js';

// Before any page script runs: every same-origin fetch that changes something carries the
// page's CSRF token.
installCSRF();

document.addEventListener('DOMContentLoaded', () => {
  const execution = document.getElementById('execution');
  if (execution) startExecutionPage(execution);
  const designer = document.getElementById('designer');
  if (designer) {
    startDesigner(designer);
    startTestState(designer);
    startRunDialog(designer);
  }
  const task = document.getElementById('task-page');
  if (task) startTaskPage(task);
  const list = document.getElementById('execution-list');
  if (list) startExecutionList(list);
  startInboxLive(document); // the inbox list, and the navigation's badge on every page
  startFormatButtons(document); // the machine page's Format of its ASL JSON
  startConfirms(document); // forms that ask first (removing a target)
});
