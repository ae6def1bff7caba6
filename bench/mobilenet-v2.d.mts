// Types of ./mobilenet-v2.mjs for the TypeScript tests that use it.
export declare const MOBILENET_V2_STAGES: ReadonlyArray<[number, number, number, number]>;
export interface MobileNetV2Spec {
  blocks: any[];
  inputShape: number[];
  flops: number;
}
export declare function mobileNetV2Spec(options?: { size?: number; classes?: number }): MobileNetV2Spec;
export declare function randomizeMobileNetV2(tensorsOps: { tf: any; createRng: (seed: number) => any }, model: any, seed: number): void;
export declare function mobileNetV2Layers(tfl: any, spec: { blocks: any[]; inputShape: number[] }): any;
export declare function copyWeightsToLayers(tensorsOps: { tf: any }, model: any, layersModel: any): void;
