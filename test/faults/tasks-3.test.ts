/** Share 3 of the workflow tasks under every fault (task-subjects.ts says why they are shared out). */
import { describeTasksUnderEveryFault } from './task-subjects';

describeTasksUnderEveryFault(3);
