// Package vngcloud is the shared vocabulary of the VNG Cloud vStorage and
// vIAM SDK: options, errors and the Secret type.
package vngcloud
