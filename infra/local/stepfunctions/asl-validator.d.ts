/** asl-validator ships no types: the one call this engine makes. */
declare module 'asl-validator' {
  interface AslValidation {
    isValid: boolean;
    errorsText: (separator?: string) => string;
  }
  export default function aslValidator(definition: unknown, options?: { checkPaths: boolean; checkArn: boolean }): AslValidation;
}
