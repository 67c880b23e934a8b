/** The protobuf schema of ONNX (onnx-proto: the official onnx.proto compiled for protobufjs). */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxProto } from 'onnx-proto';
