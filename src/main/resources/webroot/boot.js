'use strict';
// Last script: every view has registered itself with window.observatory; start (the jobs view first).
window.observatory.start(() => window.observatory.jobsBoot());
