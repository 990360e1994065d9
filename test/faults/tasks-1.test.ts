/** Share 1 of the workflow tasks under every fault (task-subjects.ts says why they are shared out). */
import { describeTasksUnderEveryFault } from './task-subjects';

describeTasksUnderEveryFault(1);
