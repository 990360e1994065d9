/** Share 2 of a person's acts under every fault (act-subjects.ts says why they are shared out). */
import { describeActsUnderEveryFault } from './act-subjects';

describeActsUnderEveryFault(2);
