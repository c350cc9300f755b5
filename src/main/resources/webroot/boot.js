'use strict';
// Last script: every view has registered itself with window.observatory; start.
(async () => {
  const o = window.observatory;
  await o.start();
  if (o.user) await o.jobsBoot();
})();
